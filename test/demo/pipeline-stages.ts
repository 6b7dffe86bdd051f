/**
 * The narrated run, in order. Each entry waits for one point of the pipeline (or acts, like
 * the Approve click) and says what happened. Stages the pipeline grows later are narrated
 * generically by the last entry until one is added here; a stage that needs the demo to act
 * (merge a pull request in a fake, say) goes into this list before `followToEnd`.
 */
import { discardedText, logsLine } from '../../workflows/domain/log-report';
import { WorkflowFailedError } from '@temporalio/client';
import { APPROVE_ACTION_ID } from '../../workflows/domain/slack-actions';
import { signedBlockActions } from '../support/slack-sign';
import type { RunStatus } from '../../workflows/domain/run-status';
import { statusQuery } from '../../workflows/domain/messages';
import { APPROVER, SIGNING_SECRET, SLACK_CHANNEL, alertPayload, WEBHOOK_TOKEN } from './fakes';
import {
  finalState,
  handleOf,
  reached,
  timeIn,
  waitForStatus,
  waitUntil,
  type DemoStage,
  type PipelineContext,
} from './context';
import { colorDiff, seconds } from './narrator';
import { renderBlocks } from './render-slack';
import { releaseStages } from './release-stages';

type Stage = DemoStage<PipelineContext>;

const webhook: Stage = {
  name: 'Webhook sent',
  async run(ctx) {
    const res = await fetch(`${ctx.apiUrl}/webhooks/datadog`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${WEBHOOK_TOKEN}` },
      body: JSON.stringify(alertPayload(`demo-${Date.now()}`)),
    });
    const text = await res.text();
    if (res.status !== 202) throw new Error(`POST /webhooks/datadog answered HTTP ${res.status}: ${text}`);
    const body = JSON.parse(text) as {
      workflows: { workflowId: string; runId?: string; fingerprint: string; errorType: string }[];
    };
    const started = body.workflows[0];
    if (!started) throw new Error(`the webhook started no workflow: ${text}`);
    ctx.workflowId = started.workflowId;
    return {
      summary: `Datadog monitor "Errors in shop-api" fired: POST /webhooks/datadog → HTTP ${res.status}`,
      details: [
        `started workflow ${started.workflowId}`,
        `run ${started.runId ?? '?'} · ${started.errorType} · fingerprint ${started.fingerprint}`,
      ],
    };
  },
};

const logs: Stage = {
  name: 'Logs fetched',
  covers: ['collecting'],
  async run(ctx) {
    const s = await waitForStatus(ctx, 'the Datadog logs', (x) => reached(x, 'cloning'), 60_000);
    const search = ctx.fakes.datadog.requests.filter((r) => r.status === 200).at(-1);
    const details = [
      `Datadog Logs API search "${search?.body?.filter?.query ?? '?'}" (${ctx.fakes.datadog.requests.length} request)`,
      ...(s.logs ? [logsLine(s.logs)] : []),
      `URLs:   ${s.samples.urls.join(', ') || '-'}`,
      `users:  ${s.samples.userIds.join(', ') || '-'}`,
      `traces: ${s.samples.traceIds.join(', ') || '-'}`,
      ...s.notes.map((n) => `note: ${n}`),
    ];
    const found = `${s.samples.urls.length} URL(s), ${s.samples.userIds.length} user(s), ${s.samples.traceIds.length} trace(s)`;
    const leftOut = s.logs ? discardedText(s.logs) : '';
    return {
      summary: `stack and context of this error from Datadog: ${found}${leftOut ? `; left out ${leftOut}` : ''}`,
      details,
      tookMs: timeIn(s, 'collecting'),
    };
  },
};

const clone: Stage = {
  name: 'Repository cloned',
  covers: ['cloning'],
  async run(ctx) {
    const s = await waitForStatus(ctx, 'the clone', (x) => reached(x, 'proposing'), 60_000);
    const packs = ctx.fakes.git.requests.filter((r) => r.service === 'git-upload-pack' && r.method === 'POST');
    const bytes = packs.reduce((n, r) => n + r.responseBytes, 0);
    const head = await ctx.fakes.git.headOf('shop-api', ctx.config.git.branch);
    return {
      summary: `${ctx.config.git.repoUrl} @ ${ctx.config.git.branch} (${head.slice(0, 12)})`,
      details: [
        `isomorphic-git over smart HTTP: ${ctx.fakes.git.requests.length} requests, ${bytes} bytes of pack data`,
      ],
      tookMs: timeIn(s, 'cloning'),
    };
  },
};

const claude: Stage = {
  name: 'Claude Code ran',
  covers: ['proposing'],
  async run(ctx) {
    const s = await waitForStatus(ctx, 'Claude Code', (x) => x.fix !== undefined, ctx.config.claude.timeoutMs + 30_000);
    const fix = s.fix!;
    if (!fix.diff.trim()) throw new Error('Claude Code changed no files');
    return {
      summary: `${fix.turns} turns, $${fix.costUsd.toFixed(4)}, changed ${fix.filesTouched.join(', ')}`,
      details: [
        `the real claude CLI against the scripted Messages API fake (${ctx.fakes.anthropic.turnRequests().length} model turns), session ${fix.sessionId}`,
        '',
        ...fix.explanation.split('\n'),
        '',
        ...colorDiff(fix.diff),
        '',
      ],
      tookMs: timeIn(s, 'proposing'),
    };
  },
};

const slackPosted: Stage = {
  name: 'Slack message posted',
  covers: ['awaiting-approval'],
  async run(ctx) {
    const s = await waitForStatus(ctx, 'the Slack message', (x) => x.slack !== undefined, 30_000);
    const message = await waitUntil(
      'the message in the Slack fake',
      () => ctx.fakes.slack.messages(SLACK_CHANNEL).find((m) => m.ts === s.slack!.ts),
      5_000,
    );
    return {
      summary: `to #bugs (${message.channel}, ts ${message.ts}): "${message.text ?? ''}"`,
      details: [...renderBlocks(message.blocks, message.text).map((l) => `│ ${l}`), ''],
    };
  },
};

const approveClick: Stage = {
  name: 'Approve clicked',
  async run(ctx) {
    const s = await handleOf(ctx).query(statusQuery);
    const { body, headers } = signedBlockActions(SIGNING_SECRET, {
      actionId: APPROVE_ACTION_ID,
      value: ctx.workflowId!,
      userId: APPROVER.id,
      userName: APPROVER.name,
      channelId: SLACK_CHANNEL,
      ...(s.slack ? { messageTs: s.slack.ts } : {}),
      responseUrl: ctx.fakes.slack.responseUrl(`${ctx.workflowId}-${APPROVER.id}`),
    });
    const res = await fetch(`${ctx.apiUrl}/slack/interactions`, { method: 'POST', body, headers });
    if (res.status !== 200)
      throw new Error(`POST /slack/interactions answered HTTP ${res.status}: ${await res.text()}`);
    return { summary: `as ${APPROVER.name} (${APPROVER.id}): signed POST /slack/interactions → HTTP ${res.status}` };
  },
};

const decision: Stage = {
  name: 'Decision recorded',
  covers: ['approved', 'rejected'],
  async run(ctx) {
    const s = await waitForStatus(ctx, 'the decision', (x) => reached(x, 'approved') || reached(x, 'rejected'), 30_000);
    const d = s.decision!;
    return {
      summary: `${d.approved ? 'approved' : 'rejected'} by ${d.userName} (via ${d.via}, update "decide" on the workflow)`,
    };
  },
};

const slackUpdated: Stage = {
  name: 'Slack message updated',
  async run(ctx) {
    const s = await handleOf(ctx).query(statusQuery);
    const message = await waitUntil(
      'the Slack message to be updated',
      () => ctx.fakes.slack.messages(SLACK_CHANNEL).find((m) => m.ts === s.slack?.ts && m.edits > 0),
      30_000,
    );
    const last = renderBlocks(message.blocks?.slice(-1), message.text);
    return { summary: last.join(' ').replace(/^· /, ''), details: ['the buttons are gone from the message'] };
  },
};

/** Narrates stages this list does not know, then waits for the workflow to complete and reports its final state. */
function followToEnd(covered: Set<string>): Stage {
  return {
    name: 'Run completed',
    async run(ctx) {
      const handle = handleOf(ctx);
      const told = new Set<number>();
      const tell = (s: RunStatus) =>
        s.timeline.forEach((t, i) => {
          if (covered.has(t.stage) || told.has(i)) return;
          told.add(i);
          ctx.announce(`Stage ${t.stage}`, {
            summary: `the run entered stage "${t.stage}"`,
            tookMs: timeIn(s, s.timeline[i - 1]?.stage ?? ''),
          });
        });
      const deadline = Date.now() + 60_000;
      for (;;) {
        const { status } = await handle.describe();
        tell(await handle.query(statusQuery));
        if (status.name !== 'RUNNING') break;
        if (Date.now() > deadline)
          throw new Error(
            `the workflow is still running after 60s, at stage ${(await handle.query(statusQuery)).stage}`,
          );
        await new Promise((r) => setTimeout(r, 300));
      }
      let result: RunStatus;
      try {
        result = (await handle.result()) as RunStatus;
      } catch (err) {
        const cause = err instanceof WorkflowFailedError && err.cause ? err.cause.message : (err as Error).message;
        throw new Error(`the workflow did not complete: ${cause}`);
      }
      tell(result);
      ctx.result = result;
      const path = result.timeline
        .map((t) => `${t.stage}${timeIn(result, t.stage) !== undefined ? ` ${seconds(timeIn(result, t.stage)!)}` : ''}`)
        .join(' → ');
      const thread = result.slack
        ? ctx.fakes.slack.replies(result.slack.ts).map((m) => `  ${(m.text ?? '').split('\n')[0]!.slice(0, 110)}`)
        : [];
      return {
        summary: `final state: ${finalState(result)}`,
        details: [`timeline: ${path}`, ...(thread.length ? ['Slack thread under the message:', ...thread] : [])],
      };
    },
  };
}

const narrated: Stage[] = [
  webhook,
  logs,
  clone,
  claude,
  slackPosted,
  approveClick,
  decision,
  slackUpdated,
  ...releaseStages,
];

export const pipelineStages: Stage[] = [...narrated, followToEnd(new Set(narrated.flatMap((s) => s.covers ?? [])))];
