import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitActivities, throttle, workDirName } from '../../../activities/git/index';
import { startGitServer, type GitServer } from '../../fakes/git-server';

let server: GitServer;
let tmp: string;
let repoUrl: string;
const token = 'activity-token-xyz';

beforeAll(async () => {
  server = await startGitServer({ token });
  tmp = await mkdtemp(path.join(os.tmpdir(), 'git-activity-test-'));
  repoUrl = await server.createBareRepo('svc', { 'app.py': 'print("hi")\n' });
});
afterAll(async () => {
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

const config = () => ({ repoUrl, branch: 'main', token, cacheDir: path.join(tmp, 'cache') });

describe('createGitActivities', () => {
  it('clones into a per-run directory under the work root and heartbeats progress inside an activity', async () => {
    const activities = createGitActivities(config(), path.join(tmp, 'runs'));
    const env = new MockActivityEnvironment();
    const heartbeats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => heartbeats.push(d));

    const clone = activities.cloneRepository;
    const result = await env.run<Parameters<typeof clone>, Awaited<ReturnType<typeof clone>>, typeof clone>(clone, {
      runKey: 'svc/TypeError:abc123',
    });
    expect(result.commit).toBe(await server.headOf('svc'));
    expect(result.fromCache).toBe(false);
    expect(path.dirname(result.dir)).toBe(path.join(tmp, 'runs'));
    expect(await readFile(path.join(result.dir, 'app.py'), 'utf8')).toBe('print("hi")\n');
    expect(heartbeats.length).toBeGreaterThan(0);
    expect(heartbeats[0]).toMatchObject({ phase: expect.any(String), loaded: expect.any(Number) });
  });

  it('also runs outside a worker, and reuses the cache', async () => {
    const activities = createGitActivities(config(), path.join(tmp, 'runs'));
    const result = await activities.cloneRepository({ runKey: 'svc/second' });
    expect(result.fromCache).toBe(true);
  });

  it('refuses to push protected files without a protected-path approval, and deletes its clone either way', async () => {
    const activities = createGitActivities(config(), path.join(tmp, 'runs'));
    const diff =
      'diff --git a/.github/workflows/ci.yml b/.github/workflows/ci.yml\nnew file mode 100644\nindex 0000000..1111111\n--- /dev/null\n+++ b/.github/workflows/ci.yml\n@@ -0,0 +1 @@\n+on: push\n';
    const input = { runKey: 'svc/guard', branch: 'bugfix/guard', diff, commitMessage: 'Fix' };
    const err = await activities.pushFixBranch(input).catch((e: unknown) => e);
    expect(err).toMatchObject({ type: 'ProtectedPathsRefused', nonRetryable: true });
    expect((err as Error).message).toContain('.github/workflows/ci.yml: CI configuration');
    await expect(activities.pushRevertBranch(input)).rejects.toMatchObject({ type: 'ProtectedPathsRefused' });

    const pushed = await activities.pushFixBranch({ ...input, allowProtected: true });
    expect(pushed.alreadyPushed).toBe(false);
    expect(await server.headOf('svc', 'bugfix/guard')).toBe(pushed.commit);
    expect(await readdir(path.join(tmp, 'runs'))).not.toContainEqual(expect.stringMatching(/^svc_guard-.*-fix$/));
  });

  it('refuses to run without a repository URL', async () => {
    const activities = createGitActivities({ branch: 'main', cacheDir: path.join(tmp, 'cache') }, tmp);
    const err = await activities.cloneRepository({ runKey: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'GitConfigError', nonRetryable: true });
  });
});

describe('workDirName', () => {
  it('keeps every run key inside the work root and apart from the others', () => {
    const keys = ['../../etc', 'a/b', 'a_b', 'a:b', '.', '', 'x'.repeat(500)];
    const names = keys.map(workDirName);
    expect(new Set(names).size).toBe(keys.length);
    for (const name of names) {
      expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(name.length).toBeLessThanOrEqual(91);
    }
  });
});

describe('throttle', () => {
  it('passes the first call and then at most one per interval', () => {
    let now = 0;
    const seen: number[] = [];
    const f = throttle(
      (v: number) => seen.push(v),
      2000,
      () => now,
    );
    for (let t = 0; t <= 5000; t += 500) {
      now = t;
      f(t);
    }
    expect(seen).toEqual([0, 2000, 4000]);
  });
});

describe('withoutCredentials', () => {
  it('drops a user and password from a repository URL, and leaves one without them as it is', async () => {
    const { withoutCredentials } = await import('../../../activities/git/remote-auth');
    expect(withoutCredentials('https://x-access-token:ghp_secret@github.com/acme/shop.git')).toBe(
      'https://github.com/acme/shop.git',
    );
    expect(withoutCredentials('https://deploy@ghe.acme.example/acme/shop.git')).toBe(
      'https://ghe.acme.example/acme/shop.git',
    );
    expect(withoutCredentials('http://127.0.0.1:9418/shop.git')).toBe('http://127.0.0.1:9418/shop.git');
  });
});
