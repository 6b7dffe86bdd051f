import type { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOctokit } from '../../../activities/github/client';
import { findDeployment } from '../../../activities/github/deployments';
import { startGitHubFake, type GitHubFake } from '../../fakes/github-fake';

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
    expect(sent?.query).toMatchObject({ sha: SHA, environment: 'production' });
  });

  it('reports the newest status of the newest deployment', async () => {
    const sha = 'b'.repeat(40);
    const first = fake.createDeployment({ sha, environment: 'production', state: 'failure' });
    const second = fake.createDeployment({ sha, environment: 'production', state: 'queued' });
    expect(await findDeployment(octokit, { ...repo, sha, environment: 'production' })).toMatchObject({ id: second.id, state: 'queued' });

    fake.setDeploymentState(second.id, 'in_progress', '2030-01-01T00:00:00Z');
    fake.setDeploymentState(second.id, 'success', '2030-01-01T00:05:00Z');
    const found = await findDeployment(octokit, { ...repo, sha, environment: 'production' });
    expect(found).toEqual({ id: second.id, sha, environment: 'production', state: 'success', url: 'https://production.example.test', at: '2030-01-01T00:05:00Z' });
    expect(found?.id).not.toBe(first.id);
  });

  it('a deployment without any status yet is `none`', async () => {
    const sha = 'c'.repeat(40);
    const d = fake.createDeployment({ sha, environment: 'production' });
    expect(await findDeployment(octokit, { ...repo, sha, environment: 'production' })).toEqual({ id: d.id, sha, environment: 'production', state: 'none', at: d.created_at });
  });
});
