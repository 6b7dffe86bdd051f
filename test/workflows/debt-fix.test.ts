import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTerminatingRuns, SIGNING_SECRET, startE2E, type E2E } from '../support/e2e';
import { signedBlockActions } from '../support/slack-sign';
import { requestText } from '../fakes/anthropic-fake';
import {
  DEBT_PROMPT_MARK,
  PORT_FIXED,
  SAMPLE_DEBT,
  debtScanTurns,
  portFixTurns,
  structuredTurns,
} from '../fakes/scripted-debt';
import { WorkflowNotFoundError } from '@temporalio/client';
import {
  debtAsError,
  debtScanScheduleId,
  parseFixDebtValue,
  type DebtScan,
  type DebtScanInput,
} from '../../workflows/domain/debt';
import { fingerprintError, parseErrorStack, workflowIdFor } from '../../workflows/domain/identity/fingerprint';
import { FIX_DEBT_ACTION_ID } from '../../workflows/domain/slack-actions';

/**
 * "Fix this" in a scan's digest, end to end: a signed block_actions click on the real route starts a
 * bugfix run of the item (the real worker, Claude Code fixing it through the scripted model), which is
 * approved in Slack and becomes a pull request on the GitHub fake. Triage is on: the item is classified
 * like any error.
 */
let e: E2E;
let scan: DebtScan;
let portButton: string;
/** The run the item's fingerprint names: the pipeline's rule, as the route applies it. */
let expectedRun: string;

beforeAll(async () => {
  e = await startE2E({
    env: { TRIAGE: 'on' },
    script: portFixTurns(),
    classifier: structuredTurns(debtScanTurns([() => ({ items: [SAMPLE_DEBT.port, SAMPLE_DEBT.cast] })])),
  });
  const input: DebtScanInput = { repository: 'shop-api', topN: 5, claudeTimeoutMs: 90_000 };
  scan = await e.pipeline.client.workflow.execute('debtScanWorkflow', {
    workflowId: `${debtScanScheduleId(e.pipeline.config.temporal.workflowIdPrefix, 'shop-api')}-fix`,
    taskQueue: e.pipeline.config.temporal.taskQueue,
    args: [input],
  });
  const digest = e.slack.messages().find((m) => m.ts === scan.slack!.ts)!;
  const blocks = digest.blocks as { accessory?: { action_id: string; value: string } }[];
  portButton = blocks.find((b) => b.accessory?.action_id === FIX_DEBT_ACTION_ID)!.accessory!.value;
  const reported = debtAsError(parseFixDebtValue(portButton)!, 'shop-api');
  expectedRun = workflowIdFor(
    fingerprintError(reported, parseErrorStack(reported.stack)),
    e.pipeline.config.temporal.workflowIdPrefix,
  );
}, 180_000);
afterAll(() => closeTerminatingRuns(e));

const clickFix = (value: string, responseId: string, user = { id: 'U0APPROVER', name: 'alice' }) => {
  const { body, headers } = signedBlockActions(SIGNING_SECRET, {
    actionId: FIX_DEBT_ACTION_ID,
    value,
    userId: user.id,
    userName: user.name,
    blockId: `debt_${scan.items[0]!.id}`,
    responseUrl: e.slack.responseUrl(responseId),
  });
  return fetch(`${e.pipeline.apiUrl}/slack/interactions`, { method: 'POST', body, headers });
};
const answer = async (responseId: string) => {
  await expect.poll(() => e.slack.responses(responseId).length, { timeout: 15_000 }).toBe(1);
  return e.slack.responses(responseId)[0]!.body as { text: string; response_type: string };
};

describe('Fix this (real path)', () => {
  it('refuses someone who is not an approver, and starts nothing', async () => {
    expect((await clickFix(portButton, 'fix-mallory', { id: 'U0MALLORY', name: 'mallory' })).status).toBe(200);
    const refusal = await answer('fix-mallory');
    expect(refusal).toMatchObject({ response_type: 'ephemeral' });
    expect(refusal.text).toContain('only the configured approvers');
    await expect(e.pipeline.client.workflow.getHandle(expectedRun).describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
  });

  it('an approver starts a fix run of the item, a second click joins it, and Approve opens the pull request', async () => {
    expect((await clickFix(portButton, 'fix-1')).status).toBe(200);
    const started = await answer('fix-1');
    expect(started.response_type).toBe('in_channel');
    const link = /<(http[^|>]+\/workflows\/([^/]+)\/([^/]+)\/history)\|/.exec(started.text);
    expect(link, started.text).not.toBeNull();
    const workflowId = decodeURIComponent(link![2]!);
    expect(started.text).toContain(
      `<@U0APPROVER> started a fix run for *${SAMPLE_DEBT.port.title}* (\`src/server.ts:16\`)`,
    );
    expect(link![1]!.startsWith(e.pipeline.config.temporal.uiUrl)).toBe(true);
    expect(workflowId).toBe(expectedRun);

    const asked = await e.waitFor(workflowId, (s) => s.stage === 'awaiting-approval', 120_000);
    expect(asked.identity).toMatchObject({ service: 'shop-api', errorType: 'TechnicalDebt' });
    expect(asked.message).toContain(`${SAMPLE_DEBT.port.title} (src/server.ts)`);
    // An item from a scan is no production error: no triage, no log search, and the run knows where it came from.
    expect(asked.triage).toBeUndefined();
    expect(asked.debt).toEqual({ itemId: scan.items[0]!.id, scanWorkflowId: expect.any(String) });
    expect(asked.notes).toContain(
      'A technical-debt item from a scan: no production logs; after the deploy only new errors are watched.',
    );
    expect(e.datadog.requests.some((r) => r.url.includes('/logs/events/search'))).toBe(false);
    expect(asked.fix?.filesTouched).toEqual(['src/server.ts']);
    expect(asked.fix?.diff).toContain(`+${PORT_FIXED}`);
    // Claude's fix prompt pointed at the item: its explanation, and the frame at the file and line.
    const fixPrompt = requestText(
      e.anthropic.turnRequests().find((r) => requestText(r.body).includes('A production error needs a fix'))!.body,
    );
    expect(fixPrompt).toContain(`at debt_${scan.items[0]!.id} (src/server.ts:16:1)`);
    expect(fixPrompt).toContain(SAMPLE_DEBT.port.why);
    expect(fixPrompt).not.toContain(DEBT_PROMPT_MARK);

    // Another click on the same item: the same run, counted once.
    expect((await clickFix(portButton, 'fix-2')).status).toBe(200);
    const joined = await answer('fix-2');
    expect(joined.text).toContain(`already has a fix run under way: <`);
    expect(joined.text).toContain(`|${workflowId}>`);
    expect((await e.status(workflowId)).occurrences).toBe(1);

    expect((await e.click('approve', workflowId)).status).toBe(200);
    const opened = await e.waitFor(workflowId, (s) => s.pullRequest !== undefined, 90_000);
    const [pr] = e.github.pulls();
    expect(pr).toMatchObject({ number: opened.pullRequest!.number, state: 'open' });
    expect(opened.pullRequest!.url).toBe(pr!.html_url);
  }, 300_000);

  it("the next scan does not count the item's own fix run as a production error in its file", async () => {
    const input: DebtScanInput = { repository: 'shop-api', topN: 5, claudeTimeoutMs: 90_000 };
    const next: DebtScan = await e.pipeline.client.workflow.execute('debtScanWorkflow', {
      workflowId: `${debtScanScheduleId(e.pipeline.config.temporal.workflowIdPrefix, 'shop-api')}-after-fix`,
      taskQueue: e.pipeline.config.temporal.taskQueue,
      args: [input],
    });
    expect(next.items[0]).toMatchObject({ id: scan.items[0]!.id, firstSeen: scan.scannedAt });
    expect(next.items[0]!.relatedErrors).toBeUndefined();
  }, 120_000);
});
