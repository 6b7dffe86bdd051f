import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodeOwnersActivities, repositoryIndex, repositoryPathOf } from '../../../activities/git/code-owners';
import { fetchBranch } from '../../../activities/git/clone-repository';
import { startGitServer, type GitServer } from '../../fakes/git-server';
import { failureOf } from '../../support/failure-of';

let server: GitServer;
let tmp: string;

const CODEOWNERS = ['# Owners of the shop', '* @acme/platform', '/src/payments/ @acme/payments @alice', ''].join('\n');
const slackOf = { '@acme/payments': 'S0PAYMENTS', '@alice': 'U0ALICE' };

beforeAll(async () => {
  server = await startGitServer();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'code-owners-test-'));
});
afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

const gitConfig = (repoUrl: string, cache = 'cache') => ({ repoUrl, branch: 'main', cacheDir: path.join(tmp, cache) });

describe('codeOwners', () => {
  it('reads .github/CODEOWNERS at the deployed commit and maps deploy paths onto the repository', async () => {
    const repoUrl = await server.createBareRepo('shop', {
      '.github/CODEOWNERS': CODEOWNERS,
      CODEOWNERS: '* @not-used\n',
      'src/payments/charge.js': 'module.exports = {};\n',
      'src/orders/total.js': 'module.exports = {};\n',
    });
    const { commit } = await fetchBranch(gitConfig(repoUrl));
    const { codeOwners } = createCodeOwnersActivities(gitConfig(repoUrl), slackOf);

    expect(
      await codeOwners({ commit, files: ['/app/src/payments/charge.js', '/app/src/orders/total.js', '/app/gone.js'] }),
    ).toEqual({
      owners: ['@acme/payments', '@alice', '@acme/platform'],
      slack: ['S0PAYMENTS', 'U0ALICE'],
      file: '.github/CODEOWNERS',
    });

    // A later commit changes the owners; the deployed one still has its own.
    await server.commitToRepo('shop', { '.github/CODEOWNERS': '* @acme/new-owners\n' });
    const later = await fetchBranch(gitConfig(repoUrl));
    expect((await codeOwners({ commit: later.commit, files: ['src/payments/charge.js'] })).owners).toEqual([
      '@acme/new-owners',
    ]);
    expect((await codeOwners({ commit, files: ['src/payments/charge.js'] })).owners).toEqual([
      '@acme/payments',
      '@alice',
    ]);
  });

  it('looks in docs/ too, and answers nobody when there is no CODEOWNERS', async () => {
    const docsUrl = await server.createBareRepo('docs-owned', {
      'docs/CODEOWNERS': '*.py @acme/billing\n',
      'billing/invoice.py': 'x = 1\n',
    });
    const docs = await fetchBranch(gitConfig(docsUrl));
    const docsOwners = createCodeOwnersActivities(gitConfig(docsUrl), {});
    expect(await docsOwners.codeOwners({ commit: docs.commit, files: ['/srv/app/billing/invoice.py'] })).toEqual({
      owners: ['@acme/billing'],
      slack: [],
      file: 'docs/CODEOWNERS',
    });

    const noneUrl = await server.createBareRepo('unowned', { 'main.go': 'package main\n' });
    const none = await fetchBranch(gitConfig(noneUrl));
    expect(
      await createCodeOwnersActivities(gitConfig(noneUrl), {}).codeOwners({ commit: none.commit, files: ['main.go'] }),
    ).toEqual({ owners: [], slack: [] });
  });

  it('fetches a commit the store does not hold yet, and refuses one the repository does not have', async () => {
    const repoUrl = await server.createBareRepo('fresh', { CODEOWNERS: '*.java @acme/jvm\n', 'x.java': '' });
    const commit = await server.headOf('fresh');
    const { codeOwners } = createCodeOwnersActivities(gitConfig(repoUrl, 'empty-cache'), { '@acme/jvm': 'S0JVM' });
    expect(await codeOwners({ commit, files: ['x.java'] })).toEqual({
      owners: ['@acme/jvm'],
      slack: ['S0JVM'],
      file: 'CODEOWNERS',
    });
    const failure = await failureOf(codeOwners({ commit: 'f'.repeat(40), files: ['x.java'] }));
    expect(failure).toMatchObject({ type: 'GitNotFound', nonRetryable: true });
  });
});

describe('repositoryPathOf', () => {
  const index = repositoryIndex([
    'src/orders/total.js',
    'src/main/java/com/acme/orders/OrderService.java',
    'a/util.go',
    'b/util.go',
  ]);

  it('maps absolute, file:// and Windows deploy paths by their longest known tail', () => {
    expect(repositoryPathOf('/app/src/orders/total.js', index)).toBe('src/orders/total.js');
    expect(repositoryPathOf('file:///srv/app/src/orders/total.js', index)).toBe('src/orders/total.js');
    expect(repositoryPathOf('C:\\build\\src\\orders\\total.js', index)).toBe('src/orders/total.js');
    expect(repositoryPathOf('./src/orders/total.js', index)).toBe('src/orders/total.js');
  });

  it('finds a JVM package path under its source root, and guesses nothing when ambiguous or outside', () => {
    expect(repositoryPathOf('com/acme/orders/OrderService.java', index)).toBe(
      'src/main/java/com/acme/orders/OrderService.java',
    );
    expect(repositoryPathOf('util.go', index)).toBeUndefined();
    expect(repositoryPathOf('/app/../etc/passwd', index)).toBeUndefined();
    expect(repositoryPathOf('', index)).toBeUndefined();
  });
});
