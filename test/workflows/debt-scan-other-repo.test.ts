import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { closeTerminatingRuns, SIGNING_SECRET, startE2E, type E2E } from '../support/e2e';
import { signedBlockActions } from '../support/slack-sign';
import { startGitServer, type GitServer } from '../fakes/git-server';
import { requestText } from '../fakes/anthropic-fake';
import { debtScanTurns, structuredTurns } from '../fakes/scripted-debt';
import { debtScanScheduleId, fixDebtValue, type DebtScan, type DebtScanInput } from '../../workflows/domain/debt';
import { FIX_DEBT_ACTION_ID } from '../../workflows/domain/slack-actions';
import { GitFailureType } from '../../workflows/domain/failures';
import { isFailureOfType } from '../../workflows/domain/failures';

/**
 * DEBT_SCAN_REPOSITORIES naming a repository other than GIT_REPO_URL's: the scan reads it (its own git
 * server here), its digest offers no "Fix this" (fix runs work on GIT_REPO_URL's repository only), and a
 * forged click on one of its items is refused.
 */
let e: E2E;
let other: GitServer;
const INVOICE = 'export const TAX_RATE = 0.2; // the same rate for every country\n';
const item = {
  file: 'src/invoice.ts',
  line: 1,
  title: 'Tax rate hard-coded for every country',
  why: 'Invoices abroad are taxed at the home rate.',
  effort: 'M',
  risk: 'high',
};

beforeAll(async () => {
  other = await startGitServer();
  const url = await other.createBareRepo('billing-api', { 'src/invoice.ts': INVOICE }, 'trunk');
  e = await startE2E({
    env: { DEBT_SCAN_REPOSITORIES: `billing=${url}#trunk` },
    classifier: structuredTurns(debtScanTurns([() => ({ items: [item] })], 'src/invoice.ts')),
  });
}, 120_000);
afterAll(async () => {
  await closeTerminatingRuns(e);
  await other?.close();
});

const scan = (repository: string) => {
  const input: DebtScanInput = { repository, topN: 5, claudeTimeoutMs: 90_000 };
  return e.pipeline.client.workflow.execute('debtScanWorkflow', {
    workflowId: `${debtScanScheduleId(e.pipeline.config.temporal.workflowIdPrefix, repository)}-1`,
    taskQueue: e.pipeline.config.temporal.taskQueue,
    args: [input],
  });
};

describe('a scanned repository that fix runs do not work on', () => {
  it('is read from its own remote and branch; its digest has no Fix this, and a forged click is refused', async () => {
    const result: DebtScan = await scan('billing');
    expect(result.commit).toBe(await other.headOf('billing-api', 'trunk'));
    expect(result.items.map((i) => i.title)).toEqual([item.title]);
    // Claude read the other repository's file, in a checkout of that repository.
    expect(
      e.anthropic.turnRequests().some((r) => requestText(r.body).includes('the same rate for every country')),
    ).toBe(true);
    const digest = e.slack.messages().find((m) => m.ts === result.slack!.ts)!;
    expect(digest.text).toBe('Technical debt in billing: 1 open item');
    expect((digest.blocks as { accessory?: unknown }[]).some((b) => b.accessory)).toBe(false);

    const { body, headers } = signedBlockActions(SIGNING_SECRET, {
      actionId: FIX_DEBT_ACTION_ID,
      value: fixDebtValue(result.items[0]!, result),
      responseUrl: e.slack.responseUrl('forged'),
    });
    expect((await fetch(`${e.pipeline.apiUrl}/slack/interactions`, { method: 'POST', body, headers })).status).toBe(
      200,
    );
    await expect.poll(() => e.slack.responses('forged').length, { timeout: 15_000 }).toBe(1);
    expect((e.slack.responses('forged')[0]!.body as { text: string }).text).toContain(
      "Fix runs work on GIT_REPO_URL's repository (branch main); `billing` is scanned but not fixed here.",
    );
  }, 180_000);

  it('a scan of a repository this worker does not know fails at once, naming the setting', async () => {
    const failed = await scan('shop-api').catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(WorkflowFailedError);
    const cause = (failed as WorkflowFailedError).cause;
    expect(isFailureOfType(cause, GitFailureType.Config)).toBe(true);
    expect((cause as Error & { cause?: Error }).cause?.message).toContain(
      `Repository "shop-api" is not in this worker's DEBT_SCAN_REPOSITORIES`,
    );
  }, 60_000);
});
