import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOctokit, githubCall, repoOf, toGitHubFailure } from '../../../activities/github/client';
import { createGitHubActivities } from '../../../activities/github/index';
import { startGitHubFake, type GitHubFake } from '../../fakes/github-fake';
import { failureOf } from '../../support/failure-of';

let fake: GitHubFake;
beforeAll(async () => {
  fake = await startGitHubFake({ owner: 'acme', repo: 'shop' });
  await fake.openPullRequestAs('alice', { head: 'feature/a', base: 'main', title: 'A' });
});
afterAll(() => fake?.close());

const getPull = (token = fake.token, apiUrl = fake.apiUrl) =>
  githubCall('get pull request', () =>
    createOctokit({ token, apiUrl }).pulls.get({ owner: 'acme', repo: 'shop', pull_number: 1 }),
  );

describe('GitHub client and error mapping (real Octokit against the fake)', () => {
  it('sends the token to the configured API URL', async () => {
    const { data } = await getPull();
    expect(data.head.ref).toBe('feature/a');
    expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', path: '/repos/acme/shop/pulls/1', status: 200 });
  });

  it('a wrong token (401) is a non-retryable GitHubAuthError', async () => {
    const failure = await failureOf(getPull('ghp_wrong'));
    expect([failure.type, failure.nonRetryable]).toEqual(['GitHubAuthError', true]);
    expect(failure.message).toContain('Bad credentials');
  });

  it('a primary rate limit (403, remaining 0) is retryable after the reset time', async () => {
    const reset = Math.floor(Date.now() / 1000) + 120;
    fake.failNext(1, 403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) });
    const failure = await failureOf(getPull());
    expect([failure.type, failure.nonRetryable]).toEqual(['GitHubRateLimited', false]);
    expect(Number(failure.nextRetryDelay)).toBeGreaterThan(115_000);
    expect(Number(failure.nextRetryDelay)).toBeLessThanOrEqual(121_000);
  });

  it('a secondary rate limit (429 with retry-after) waits as asked', async () => {
    fake.failNext(1, 429, { 'retry-after': '30' });
    const failure = await failureOf(getPull());
    expect([failure.type, failure.nonRetryable, failure.nextRetryDelay]).toEqual(['GitHubRateLimited', false, 30_000]);
  });

  it('a 403 that is not a rate limit is a non-retryable GitHubAuthError', async () => {
    fake.failNext(1, 403);
    const failure = await failureOf(getPull());
    expect([failure.type, failure.nonRetryable]).toEqual(['GitHubAuthError', true]);
  });

  it('5xx and unreachable servers are retryable GitHubUnavailable', async () => {
    fake.failNext(1, 500);
    const failure = await failureOf(getPull());
    expect([failure.type, failure.nonRetryable]).toEqual(['GitHubUnavailable', false]);
    const closed = await startGitHubFake({ owner: 'acme', repo: 'shop' });
    await closed.close();
    const unreachable = await failureOf(getPull(fake.token, closed.apiUrl));
    expect([unreachable.type, unreachable.nonRetryable]).toEqual(['GitHubUnavailable', false]);
  });

  it('a server that never answers times out as GitHubUnavailable', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const octokit = createOctokit(
        { token: 't', apiUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}` },
        { timeoutMs: 200 },
      );
      const started = Date.now();
      const failure = await failureOf(
        githubCall('get', () => octokit.pulls.get({ owner: 'acme', repo: 'shop', pull_number: 1 })),
      );
      expect([failure.type, failure.nonRetryable]).toEqual(['GitHubUnavailable', false]);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('404 and 422 are non-retryable', async () => {
    const notFound = await failureOf(
      githubCall('get', () =>
        createOctokit({ token: fake.token, apiUrl: fake.apiUrl }).pulls.get({
          owner: 'acme',
          repo: 'shop',
          pull_number: 99,
        }),
      ),
    );
    expect([notFound.type, notFound.nonRetryable]).toEqual(['GitHubNotFound', true]);
    const invalid = await failureOf(
      githubCall('create', () =>
        createOctokit({ token: fake.token, apiUrl: fake.apiUrl }).pulls.create({
          owner: 'acme',
          repo: 'shop',
          head: 'feature/a',
          base: 'main',
          title: 'again',
        }),
      ),
    );
    expect([invalid.type, invalid.nonRetryable]).toEqual(['GitHubValidation', true]);
    expect(invalid.message).toContain('already exists');
  });

  it('an ApplicationFailure passes through unchanged; an unknown error is retryable', () => {
    const own = ApplicationFailure.create({ type: 'Mine', message: 'x' });
    expect(toGitHubFailure(own)).toBe(own);
    expect(toGitHubFailure(new Error('boom')).type).toBe('GitHubUnavailable');
  });

  it('missing configuration is a non-retryable GitHubConfigError', () => {
    expect(() => repoOf({})).toThrow(
      expect.objectContaining({ type: 'GitHubConfigError', nonRetryable: true }) as unknown as Error,
    );
    expect(repoOf({ repository: 'acme/shop' })).toEqual({ owner: 'acme', repo: 'shop' });
    expect(() => createOctokit({})).toThrow(/GITHUB_TOKEN/);
  });
});

describe('createGitHubActivities', () => {
  it('runs on GITHUB_REPOSITORY with JSON inputs and maps failures', async () => {
    const activities = createGitHubActivities({
      token: fake.token,
      apiUrl: fake.apiUrl,
      repository: 'acme/shop',
      webUrl: 'https://github.com',
      deployEnvironment: 'production',
    });
    const pr = await activities.getPullRequest({ number: 1 });
    expect(pr).toMatchObject({ number: 1, author: 'alice', state: 'open', headRef: 'feature/a' });
    expect(JSON.parse(JSON.stringify(pr))).toEqual(pr); // plain data, safe as a Temporal payload
    fake.createDeployment({ sha: pr.headSha, environment: 'production', state: 'success' });
    expect(await activities.findDeployment({ sha: pr.headSha })).toMatchObject({
      state: 'success',
      environment: 'production',
    });
    const failure = await failureOf(activities.getPullRequest({ number: 404 }));
    expect(failure.type).toBe('GitHubNotFound');
    expect(failure.message).toMatch(/^get pull request #404: HTTP 404: Not Found/);

    const unconfigured = createGitHubActivities({
      token: fake.token,
      apiUrl: fake.apiUrl,
      webUrl: 'https://github.com',
      deployEnvironment: 'production',
    });
    expect((await failureOf(unconfigured.listReviews({ number: 1 }))).type).toBe('GitHubConfigError');
  });
});
