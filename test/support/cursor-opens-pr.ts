import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { SLACK_CHANNEL, type E2E } from './e2e';
import { BUGGY_FILE, BUGGY_LINE, FIXED_LINE } from '../fakes/scripted-fix';

const exec = promisify(execFile);

/** What Cursor does when it works: a branch with the fix pushed to the repository, and a PR opened as its bot. */
export async function cursorOpensPullRequest(
  e: E2E,
  branch: string,
  body: string,
  extraFiles: Record<string, string> = {},
): Promise<string> {
  const original = await readFile(new URL(`../fixtures/sample-repo/${BUGGY_FILE}`, import.meta.url), 'utf8');
  await exec('git', ['--git-dir', e.git.repoPath('shop-api'), 'branch', branch, 'main']);
  await e.git.commitToRepo(
    'shop-api',
    { [BUGGY_FILE]: original.replace(BUGGY_LINE, FIXED_LINE), ...extraFiles },
    branch,
  );
  const pr = await e.github.openPullRequestAs('cursor[bot]', {
    head: branch,
    base: 'main',
    title: 'Fix guest checkout crash',
    body,
  });
  return pr.html_url;
}

export const markerIn = (text: string) => /Bugfix-Run: \S+/.exec(text)?.[0] ?? '';

/** The approver, invited in the thread, asks @Cursor there to open the pull request (cursor-slack mode). */
export async function askCursorInThread(e: E2E, workflowId: string): Promise<void> {
  const message = e.slack.messages(SLACK_CHANNEL)[0]!;
  const thread = () =>
    e.slack
      .replies(message.ts)
      .map((r) => r.text ?? '')
      .join('\n');
  await expect.poll(thread, { timeout: 30_000 }).toContain('mentioning @Cursor');
  e.slack.postAsUser(
    SLACK_CHANNEL,
    message.ts,
    'U0APPROVER',
    `<@U0CURSOR> apply the diff above and open a pull request with the line Bugfix-Run: ${workflowId}`,
  );
}
