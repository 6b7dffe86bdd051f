import type { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOctokit } from '../../../activities/github/client';
import { findDeployment } from '../../../activities/github/deployments';
import { startGitHubFake, type GitHubFake } from '../../fakes/github-fake';
import { startGitServer } from '../../fakes/git-server';

const repo = { owner: 'acme', repo: 'shop' };
const SHA = 'a'.repeat(40);
let fake: GitHubFake;
let octokit: Octokit;

beforeAll(async () => {
  fake = await startGitHubFake(repo);
  octokit = createOctokit({ token: fake.token, apiUrl: fake.apiUrl });
});
afterAll(() => fake?.close());

describe('findDeployment', () => {
  it('is undefined until the commit is deployed to the environment', async () => {
    fake.createDeployment({ sha: SHA, environment: 'staging', state: 'success' });
    expect(await findDeployment(octokit, { ...repo, sha: SHA, environment: 'production' })).toBeUndefined();
    const sent = fake.requests.at(-1);
    expect(sent?.query).toMatchObject({ environment: 'production' });
  });

  it('reports the newest status of the newest deployment', async () => {
    const sha = 'b'.repeat(40);
    const first = fake.createDeployment({ sha, environment: 'production', state: 'failure' });
    const second = fake.createDeployment({ sha, environment: 'production', state: 'queued' });
    expect(await findDeployment(octokit, { ...repo, sha, environment: 'production' })).toMatchObject({
      id: second.id,
      state: 'queued',
    });

    fake.setDeploymentState(second.id, 'in_progress', '2030-01-01T00:00:00Z');
    fake.setDeploymentState(second.id, 'success', '2030-01-01T00:05:00Z');
    const found = await findDeployment(octokit, { ...repo, sha, environment: 'production' });
    expect(found).toEqual({
      id: second.id,
      sha,
      environment: 'production',
      state: 'success',
      url: 'https://production.example.test',
      at: '2030-01-01T00:05:00Z',
    });
    expect(found?.id).not.toBe(first.id);
  });

  it('a deployment without any status yet is `none`', async () => {
    const sha = 'c'.repeat(40);
    const d = fake.createDeployment({ sha, environment: 'production' });
    expect(await findDeployment(octokit, { ...repo, sha, environment: 'production' })).toEqual({
      id: d.id,
      sha,
      environment: 'production',
      state: 'none',
      at: d.created_at,
    });
  });

  it('a later deployment that contains the merge commit counts; one that does not, does not', async () => {
    const git = await startGitServer();
    const gh = await startGitHubFake({ ...repo, bareRepoPath: git.repoPath('shop') });
    try {
      await git.createBareRepo('shop', { 'a.txt': 'one\n' });
      const merged = await git.commitToRepo('shop', { 'a.txt': 'two\n' });
      const later = await git.commitToRepo('shop', { 'b.txt': 'three\n' });
      const client = createOctokit({ token: gh.token, apiUrl: gh.apiUrl });
      const before = await git.headOf('shop');
      gh.createDeployment({ sha: later, environment: 'production', state: 'success' });
      expect(await findDeployment(client, { ...repo, sha: merged, environment: 'production' })).toMatchObject({
        sha: later,
        state: 'success',
      });
      // A newer commit on the base does not make an older deployment contain it.
      const newer = await git.commitToRepo('shop', { 'c.txt': 'four\n' });
      expect(before).toBe(later);
      expect(await findDeployment(client, { ...repo, sha: newer, environment: 'production' })).toBeUndefined();
    } finally {
      await gh.close();
      await git.close();
    }
  });
});
