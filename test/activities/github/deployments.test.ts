import type { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOctokit } from '../../../activities/github/client';
import { createDeployment, findDeployment, getDeployment } from '../../../activities/github/deployments';
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

describe('createDeployment and getDeployment (a rollback to an earlier commit)', () => {
  it('asks GitHub for a deployment of exactly that commit, then reads it by id with its newest status', async () => {
    const sha = 'c'.repeat(40);
    const created = await createDeployment(octokit, {
      ...repo,
      sha,
      environment: 'production',
      description: 'Rollback of #7: the fix caused new errors',
    });
    expect(created.sha).toBe(sha);
    const sent = fake.requests.at(-1);
    expect(sent).toMatchObject({ method: 'POST', path: '/repos/acme/shop/deployments', status: 201 });
    expect(await getDeployment(octokit, { ...repo, id: created.id })).toMatchObject({
      id: created.id,
      sha,
      state: 'none',
    });
    fake.setDeploymentState(created.id, 'success', '2030-02-01T00:00:00Z');
    expect(await getDeployment(octokit, { ...repo, id: created.id })).toMatchObject({
      state: 'success',
      at: '2030-02-01T00:00:00Z',
    });
  });

  it('with a key, asking again (a retried activity) finds the deployment already asked for', async () => {
    const sha = 'd'.repeat(40);
    const ask = (key: string) =>
      createDeployment(octokit, { ...repo, sha, environment: 'production', description: 'Rollback of #8', key });
    // Someone else's deployment of the same commit, and one whose payload is JSON text with another key.
    fake.createDeployment({ sha, environment: 'production', state: 'success' });
    fake.createDeployment({ sha, environment: 'production', payload: JSON.stringify({ bugfix_request: 'x#1' }) });
    const first = await ask('bugfix-shop-api-abc#8');
    const again = await ask('bugfix-shop-api-abc#8');
    expect(again).toEqual(first);
    const ours = fake.deployments().filter((d) => d.sha === sha && d.id === first.id);
    expect(ours).toHaveLength(1);
    expect(ours[0]!.payload).toEqual({ bugfix_request: 'bugfix-shop-api-abc#8' });
    // Another run's rollback of the same commit is its own deployment.
    const other = await ask('bugfix-shop-api-def#9');
    expect(other.id).not.toBe(first.id);
    expect(fake.deployments().filter((d) => d.sha === sha)).toHaveLength(4);
  });

  it('an unknown deployment id is a 404', async () => {
    await expect(getDeployment(octokit, { ...repo, id: 987654 })).rejects.toMatchObject({ status: 404 });
  });
});
