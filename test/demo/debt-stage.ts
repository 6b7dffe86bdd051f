/**
 * Technical debt: the weekly scan of the service's repository, triggered from its schedule, posts a digest
 * whose "Fix this" starts a fix run of one item; the approver approves its suggestion and it becomes a pull
 * request. A worker and an API of their own serve the scan's structured-output session and the fix's session;
 * the repository is the main run's: the scan reads the code its fix was merged into, and the item's fix touches
 * a file that fix left alone.
 */
import { debtScanTurns, portFixTurns, SAMPLE_DEBT, structuredTurns } from '../fakes/scripted-debt';
import type { FakeMessage } from '../fakes/slack-fake';
import { ensureSchedules } from '../../infra/temporal/schedules';
import { debtScanScheduleId, parseFixDebtValue, type DebtScan } from '../../workflows/domain/debt';
import { APPROVE_ACTION_ID, FIX_DEBT_ACTION_ID } from '../../workflows/domain/slack-actions';
import type { RunStatus } from '../../workflows/domain/run-status';
import { withServices } from './own-services';
import { APPROVER, SERVICE, SLACK_CHANNEL } from './fakes';
import { waitForStatus, waitUntil, type DemoStage, type PipelineContext } from './context';
import { colorDiff } from './narrator';
import { renderBlocks, unescape } from './render-slack';
import { clickAsApprover } from './slack-click';
import { triggerSchedule } from './trigger-schedule';

interface Button {
  blockId: string;
  value: string;
}

export const debtStage: DemoStage<PipelineContext> = {
  name: 'Technical debt: a weekly scan',
  run: (ctx) =>
    withServices(
      ctx,
      'debt',
      (c) => c,
      async (config, apiUrl) => {
        // As a worker start does: the deployment's schedules, kept as its configuration says.
        await ensureSchedules(ctx.client, config);
        const scheduleId = debtScanScheduleId(config.temporal.workflowIdPrefix, SERVICE);
        const triggered = await triggerSchedule(ctx, scheduleId);
        const scan = (await ctx.client.workflow.getHandle(triggered.workflowId).result()) as DebtScan;
        const digest = await waitUntil(
          'the digest in the Slack fake',
          () => ctx.fakes.slack.messages(SLACK_CHANNEL).find((m) => m.ts === scan.slack?.ts),
          10_000,
        );
        const item = scan.items[0];
        const button = item && buttonOf(digest, item.id);
        if (!item || !button) throw new Error(`the digest has no "Fix this" on its first item (${digest.text})`);

        // The approver clicks "Fix this" on the first item; the API answers in the channel with the run it started.
        const responseId = `debt-fix-${item.id}`;
        await clickAsApprover(ctx, apiUrl, {
          actionId: FIX_DEBT_ACTION_ID,
          value: button.value,
          messageTs: digest.ts,
          blockId: button.blockId,
          responseId,
        });
        const answer = await waitUntil(
          'the answer to "Fix this"',
          () => ctx.fakes.slack.responses(responseId)[0]?.body as { text?: string } | undefined,
          15_000,
        );
        const workflowId = /\|([^|>]+)>/.exec(answer.text ?? '')?.[1];
        if (!workflowId) throw new Error(`"Fix this" was answered without a run: ${answer.text ?? '(no text)'}`);

        const run = { ...ctx, workflowId };
        const asked = await waitForStatus(
          run,
          'the suggestion',
          (s) => s.stage === 'awaiting-approval' && s.slack !== undefined,
          120_000,
        );
        await clickAsApprover(ctx, apiUrl, {
          actionId: APPROVE_ACTION_ID,
          value: workflowId,
          messageTs: asked.slack!.ts,
          responseId: `${workflowId}-${APPROVER.id}`,
        });
        const opened = await waitForStatus(run, 'the pull request', (s) => s.pullRequest !== undefined, 90_000);
        const pr = await ctx.fakes.github.pull(opened.pullRequest!.number);
        // Review, merge and deploy were shown by the main run: this one stops at its pull request.
        await ctx.client.workflow
          .getHandle(workflowId)
          .terminate('demo: the pull request was shown')
          .catch(() => undefined);

        const related = scan.items.filter((i) => i.relatedErrors?.length).length;
        const where = related ? ` (${related} in files with production errors)` : '';
        return {
          summary: `${scan.items.length} items in the digest${where}; "Fix this" on "${item.title}" → approved by ${APPROVER.name} → pull request #${pr.number}`,
          details: [
            `schedule ${scheduleId} (${config.schedules.debtScan.cron}${triggered.next ? `, next ${triggered.next.toISOString()}` : ''}) triggered: run ${triggered.workflowId}`,
            `Claude Code read ${scan.repository} @ ${scan.commit.slice(0, 12)} with read-only tools and answered in the scan's schema ($${scan.costUsd.toFixed(4)})`,
            `digest in #bugs (ts ${digest.ts}): "${digest.text ?? ''}"`,
            ...renderBlocks(digest.blocks, digest.text).map((l) => `│ ${l}`),
            '',
            `"Fix this" on item 1 as ${APPROVER.name}: signed POST /slack/interactions; the answer in the channel:`,
            // Slack shows the mention as the user's name.
            `│ ${unescape((answer.text ?? '').replaceAll(`<@${APPROVER.id}>`, `@${APPROVER.name}`))}`,
            ...suggestionLines(opened),
            `approved by ${APPROVER.name} → #${pr.number} "${pr.title}" (${pr.html_url}), branch ${pr.head.ref}`,
          ],
        };
      },
      portFixTurns(),
      structuredTurns(debtScanTurns([() => ({ items: [SAMPLE_DEBT.port, SAMPLE_DEBT.cast] })])),
    ),
};

/** The "Fix this" button of the item `itemId` in a digest. */
function buttonOf(digest: FakeMessage, itemId: string): Button | undefined {
  const blocks = (digest.blocks ?? []) as { block_id?: string; accessory?: { action_id?: string; value?: string } }[];
  for (const b of blocks) {
    const value = b.accessory?.action_id === FIX_DEBT_ACTION_ID ? b.accessory.value : undefined;
    if (value && b.block_id && parseFixDebtValue(value)?.itemId === itemId) return { blockId: b.block_id, value };
  }
  return undefined;
}

function suggestionLines(s: RunStatus): string[] {
  const fix = s.fix;
  if (!fix) return [];
  return [
    `fix run ${s.workflowId}: ${s.identity.errorType}, no production logs to read; Claude Code changed ${fix.filesTouched.join(', ')}`,
    ...colorDiff(fix.diff)
      .filter((l) => /^(\u001b\[\d+m)?[-+](?![-+])/.test(l))
      .map((l) => `  ${l}`),
  ];
}
