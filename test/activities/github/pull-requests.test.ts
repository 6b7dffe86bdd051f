import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOctokit } from '../../../activities/github/client';
import {
  findPullRequest,
  getPullRequest,
  mergePullRequest,
  openPullRequest,
} from '../../../activities/github/pull-requests';
import { listReviews } from '../../../activities/github/reviews';
import { startGitHubFake, type GitHubFake } from '../../fakes/github-fake';
import { startGitServer, type GitServer } from '../../fakes/git-server';

const exec = promisify(execFile);
const OWNER = 'acme';
const REPO = 'shop';
let git: GitServer;
let fake: GitHubFake;
let octokit: Octokit;

/** A branch off main with one commit, pushed to the bare repository. */
async function pushBranch(branch: string, files: Record<string, string>): Promise<string> {
  await exec('git', ['--git-dir', git.repoPath(REPO), 'branch', branch, 'main']);
  return git.commitToRepo(REPO, files, branch);
}

beforeAll(async () => {
  git = await startGitServer();
  await git.createBareRepo(REPO, {
    'src/cart.js': 'export const total = (items) => items.reduce((s, i) => s + i.price, 0);\n',
  });
  fake = await startGitHubFake({ owner: OWNER, repo: REPO, bareRepoPath: git.repoPath(REPO) });
  octokit = createOctokit({ token: fake.token, apiUrl: fake.apiUrl });
});
afterAll(async () => {
  await fake?.close();
  await git?.close();
});

describe('openPullRequest', () => {
  it('opens once: a second call (a retried activity) finds the same pull request', async () => {
    const tip = await pushBranch('bugfix/run-1', {
      'src/cart.js': 'export const total = (items = []) => items.reduce((s, i) => s + i.price, 0);\n',
    });
    const input = {
      owner: OWNER,
      repo: REPO,
      head: 'bugfix/run-1',
      base: 'main',
      title: 'Fix cart total on empty cart',
      body: 'Explanation.',
      marker: 'Bugfix-Run: run-1',
    };
    const first = await openPullRequest(octokit, input);
    const second = await openPullRequest(octokit, input);
    expect(first).toMatchObject({
      created: true,
      state: 'open',
      merged: false,
      headRef: 'bugfix/run-1',
      headSha: tip,
      baseRef: 'main',
      author: 'bugfix-bot',
    });
    expect(first.url).toBe(`https://github.com/${OWNER}/${REPO}/pull/${first.number}`);
    expect(second).toEqual({ ...first, created: false });
    expect(fake.pulls().filter((p) => p.head.ref === 'bugfix/run-1')).toHaveLength(1);
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/pulls'))).toHaveLength(1);
    expect(fake.pulls().find((p) => p.number === first.number)?.body).toBe('Explanation.\n\nBugfix-Run: run-1\n');
    // The look-up filters by `owner:branch`, as GitHub requires for the head filter.
    expect(
      fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/pulls')).map((r) => r.query.head),
    ).toContain(`${OWNER}:bugfix/run-1`);
  });

  it("when the look-up misses a pull request opened meanwhile, GitHub's 422 leads back to it", async () => {
    await pushBranch('bugfix/run-race', { 'src/race.js': 'race\n' });
    const input = {
      owner: OWNER,
      repo: REPO,
      head: 'bugfix/run-race',
      base: 'main',
      title: 't',
      body: 'b',
      marker: 'Bugfix-Run: race',
    };
    const first = await openPullRequest(octokit, input);
    const stale = createOctokit({ token: fake.token, apiUrl: fake.apiUrl });
    let hide = true; // the first look-up answers as if it ran before the other attempt's create
    stale.hook.wrap('request', async (request, options) => {
      const response = await request(options);
      if (hide && options.method === 'GET' && options.url.endsWith('/pulls')) {
        hide = false;
        return { ...response, data: [] };
      }
      return response;
    });
    expect(await openPullRequest(stale, input)).toEqual({ ...first, created: false });
    expect(
      fake.requests
        .filter((r) => r.method === 'POST' && r.path.endsWith('/pulls'))
        .map((r) => r.status)
        .slice(-2),
    ).toEqual([201, 422]);
  });

  it('a head branch that does not exist is a 422 from GitHub', async () => {
    const err = await openPullRequest(octokit, {
      owner: OWNER,
      repo: REPO,
      head: 'bugfix/missing',
      base: 'main',
      title: 't',
      body: 'b',
      marker: 'Bugfix-Run: x',
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 422 });
  });
});

describe('findPullRequest', () => {
  it('finds a pull request someone else opened, by the marker in its body or by a cursor/ branch', async () => {
    const before = new Date(Date.now() - 2000).toISOString();
    await pushBranch('cursor/fix-cart-abc1', { 'src/cart.js': '// cursor fix 1\n' });
    await pushBranch('cursor/fix-cart-abc2', { 'src/cart.js': '// cursor fix 2\n' });
    const old = await fake.openPullRequestAs('cursor[bot]', {
      head: 'cursor/fix-cart-abc1',
      base: 'main',
      title: 'Old',
      body: 'unrelated',
      createdAt: '2020-01-01T00:00:00Z',
    });
    const marked = await fake.openPullRequestAs('cursor[bot]', {
      head: 'cursor/fix-cart-abc2',
      base: 'main',
      title: 'Fix cart',
      body: 'Fixes it.\n\nBugfix-Run: run-2',
    });

    const byMarker = await findPullRequest(octokit, { owner: OWNER, repo: REPO, marker: 'Bugfix-Run: run-2' });
    expect(byMarker).toMatchObject({
      number: marked.number,
      headRef: 'cursor/fix-cart-abc2',
      author: 'cursor[bot]',
      state: 'open',
    });

    const byPrefix = await findPullRequest(octokit, { owner: OWNER, repo: REPO, headPrefix: 'cursor/', since: before });
    expect(byPrefix?.number).toBe(marked.number);
    // Created before `since`: not this run's pull request.
    expect(
      await findPullRequest(octokit, { owner: OWNER, repo: REPO, headPrefix: 'cursor/fix-cart-abc1', since: before }),
    ).toBeUndefined();
    expect(
      (await findPullRequest(octokit, { owner: OWNER, repo: REPO, headPrefix: 'cursor/fix-cart-abc1' }))?.number,
    ).toBe(old.number);
    expect(await findPullRequest(octokit, { owner: OWNER, repo: REPO, marker: 'Bugfix-Run: nobody' })).toBeUndefined();
    const listed = fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/pulls') && r.query.sort);
    expect(listed.at(-1)?.query).toMatchObject({ state: 'all', sort: 'created', direction: 'desc' });
  });

  it('looks past the first page', async () => {
    const small = await startGitHubFake({ owner: OWNER, repo: REPO });
    try {
      const gh = createOctokit({ token: small.token, apiUrl: small.apiUrl });
      await small.openPullRequestAs('alice', {
        head: 'cursor/oldest',
        base: 'main',
        title: 't',
        body: 'Bugfix-Run: deep',
        createdAt: '2024-01-01T00:00:00Z',
      });
      for (let i = 0; i < 55; i++)
        await small.openPullRequestAs('bob', {
          head: `feature/${i}`,
          base: 'main',
          title: 't',
          createdAt: `2024-02-01T00:${String(i).padStart(2, '0')}:00Z`,
        });
      expect((await findPullRequest(gh, { owner: OWNER, repo: REPO, marker: 'Bugfix-Run: deep' }))?.headRef).toBe(
        'cursor/oldest',
      );
      expect(small.requests.filter((r) => r.path.endsWith('/pulls')).map((r) => r.query.page)).toEqual(['1', '2']);
    } finally {
      await small.close();
    }
  });
});

describe('getPullRequest', () => {
  it('after a real merge reports the merge commit now at the head of the base branch', async () => {
    const tip = await pushBranch('bugfix/run-3', { 'src/discount.js': 'export const discount = 0;\n' });
    await git.commitToRepo(REPO, { 'README.md': 'main moved on\n' }); // forces a true merge
    const pr = await openPullRequest(octokit, {
      owner: OWNER,
      repo: REPO,
      head: 'bugfix/run-3',
      base: 'main',
      title: 'Add discount',
      body: 'b',
      marker: 'Bugfix-Run: run-3',
    });
    expect(
      (await getPullRequest(octokit, { owner: OWNER, repo: REPO, number: pr.number })).mergeCommitSha,
    ).toBeUndefined();

    await fake.mergePullRequest(pr.number, { by: 'carol' });
    const merged = await getPullRequest(octokit, { owner: OWNER, repo: REPO, number: pr.number });
    const mainHead = await git.headOf(REPO, 'main');
    expect(merged).toMatchObject({
      state: 'closed',
      merged: true,
      mergedBy: 'carol',
      mergeCommitSha: mainHead,
      headSha: tip,
    });
    expect(merged.closedBy).toBeUndefined();
    expect(merged.mergedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const { stdout } = await exec('git', [
      '--git-dir',
      git.repoPath(REPO),
      'rev-parse',
      `${mainHead}^2`,
      `${mainHead}:src/discount.js`,
    ]);
    expect(stdout.split('\n')[0]).toBe(tip); // the fix is the merge's second parent, its file is on main
  });

  it('after a close without merge tells who closed it', async () => {
    await pushBranch('bugfix/run-4', { 'src/x.js': 'x\n' });
    const pr = await openPullRequest(octokit, {
      owner: OWNER,
      repo: REPO,
      head: 'bugfix/run-4',
      base: 'main',
      title: 't',
      body: 'b',
      marker: 'Bugfix-Run: run-4',
    });
    fake.closePullRequest(pr.number, { by: 'dave' });
    const closed = await getPullRequest(octokit, { owner: OWNER, repo: REPO, number: pr.number });
    expect(closed).toMatchObject({ state: 'closed', merged: false, closedBy: 'dave' });
    expect(closed.mergeCommitSha).toBeUndefined();
    expect(fake.requests.some((r) => r.path === `/repos/${OWNER}/${REPO}/issues/${pr.number}/events`)).toBe(true);
  });

  it('an open pull request follows pushes to its branch', async () => {
    await pushBranch('bugfix/run-5', { 'src/y.js': 'y\n' });
    const pr = await openPullRequest(octokit, {
      owner: OWNER,
      repo: REPO,
      head: 'bugfix/run-5',
      base: 'main',
      title: 't',
      body: 'b',
      marker: 'Bugfix-Run: run-5',
    });
    const pushed = await git.commitToRepo(REPO, { 'src/y.js': 'y2\n' }, 'bugfix/run-5');
    expect((await getPullRequest(octokit, { owner: OWNER, repo: REPO, number: pr.number })).headSha).toBe(pushed);
  });
});

describe('reviews', () => {
  it('lists the reviews of a pull request, oldest first', async () => {
    await pushBranch('bugfix/run-6', { 'src/z.js': 'z\n' });
    const pr = await openPullRequest(octokit, {
      owner: OWNER,
      repo: REPO,
      head: 'bugfix/run-6',
      base: 'main',
      title: 't',
      body: 'b',
      marker: 'Bugfix-Run: run-6',
    });
    fake.addReview(pr.number, { user: 'erin', state: 'CHANGES_REQUESTED', body: 'Please add a test.' });
    const ref = { owner: OWNER, repo: REPO, number: pr.number };
    fake.addReview(pr.number, { user: 'claude[bot]', state: 'COMMENTED', body: 'Looks right.' });
    const reviews = await listReviews(octokit, ref);
    expect(reviews.map((r) => [r.user, r.state])).toEqual([
      ['erin', 'CHANGES_REQUESTED'],
      ['claude[bot]', 'COMMENTED'],
    ]);
    expect(reviews[0]).toMatchObject({
      body: 'Please add a test.',
      submittedAt: expect.stringMatching(/Z$/) as unknown,
    });
  });
});

describe('mergePullRequest', () => {
  it('merges through the API at the head the pipeline pushed; a branch moved since is not merged (409)', async () => {
    const tip = await pushBranch('bugfix/revert-9', { 'src/revert.js': 'export const reverted = true;\n' });
    const pr = await openPullRequest(octokit, {
      owner: OWNER,
      repo: REPO,
      head: 'bugfix/revert-9',
      base: 'main',
      title: 'Revert #9',
      body: 'b',
      marker: 'Bugfix-Run: run-9',
    });
    await git.commitToRepo(REPO, { 'src/revert.js': 'export const reverted = "moved";\n' }, 'bugfix/revert-9');
    await expect(
      mergePullRequest(octokit, { owner: OWNER, repo: REPO, number: pr.number, sha: tip, commitTitle: 'Revert' }),
    ).rejects.toMatchObject({ status: 409 });

    const { mergeCommitSha } = await mergePullRequest(octokit, {
      owner: OWNER,
      repo: REPO,
      number: pr.number,
      commitTitle: 'Revert #9 (automatic rollback)',
    });
    expect(mergeCommitSha).toBe(await git.headOf(REPO, 'main'));
    expect(await getPullRequest(octokit, { owner: OWNER, repo: REPO, number: pr.number })).toMatchObject({
      merged: true,
      mergedBy: 'bugfix-bot',
      mergeCommitSha,
    });
    // A closed pull request cannot be merged again.
    await expect(
      mergePullRequest(octokit, { owner: OWNER, repo: REPO, number: pr.number, commitTitle: 'again' }),
    ).rejects.toMatchObject({ status: 405 });
  });
});
