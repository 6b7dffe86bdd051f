/**
 * Triage and people: an infrastructure error the pipeline hands to its owners without a fix
 * attempt, and a bug reported by support in Jira that starts the same pipeline and hears of its
 * progress there. Each has its own worker and API (a configuration of its own), like the proof
 * stages; the Jira run stops at its suggestion (terminated once shown).
 */
import path from 'node:path';
import { errorLogEvent, logsSample } from '../fakes/datadog-shapes';
import { sampleStackTrace } from '../fakes/scripted-fix';
import { deliverJiraWebhook, startJiraFake } from '../fakes/jira-fake';
import { adfToText } from '../../workflows/domain/adf';
import { triageLine } from '../../workflows/domain/triage';
import { mentionsOf } from '../../workflows/domain/escalation';
import type { RunStatus } from '../../workflows/domain/run-status';
import { withServices } from './own-services';
import { readTree } from '../support/local';
import { repoRoot } from '../../infra/platform/config/read-config';
import { SERVICE, WEBHOOK_TOKEN } from './fakes';
import { handleOf, waitForStatus, waitUntil, type DemoStage, type PipelineContext } from './context';

const OWNERS = ['S0DEMOOWNERS'];
const JIRA_SECRET = 'demo-jira-webhook-secret';
const JIRA_SERVICE = 'shop-web';

const escalatedStage: DemoStage<PipelineContext> = {
  name: 'Escalated: a full disk',
  run: (ctx) =>
    withServices(
      ctx,
      'escalation',
      (c) => ({
        ...c,
        triage: { ...c.triage, enabled: true },
        escalation: { ...c.escalation, policies: { [SERVICE]: { owners: OWNERS, levels: [] } } },
      }),
      async (_config, apiUrl) => {
        const error = {
          kind: 'Error',
          message: "ENOSPC: no space left on device, open '/var/spool/labels/8812.pdf'",
          stack: '',
        };
        error.stack = `Error: ${error.message}\n    at printLabel (/app/src/labels.ts:17:3)`;
        ctx.fakes.datadog.addLog(errorLogEvent({ service: SERVICE, ...error, timestamp: Date.now() - 20_000 }));
        const now = Date.now();
        const res = await fetch(`${apiUrl}/webhooks/datadog`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${WEBHOOK_TOKEN}` },
          body: JSON.stringify({
            id: `demo-escalation-${now}`,
            event_type: 'log_alert',
            title: `[Triggered] Errors in ${SERVICE}`,
            date: String(now),
            alert: { id: '98767', transition: 'Triggered', scope: `service:${SERVICE}`, status: 'Alert' },
            tags: `env:prod,service:${SERVICE}`,
            logs_sample: logsSample([{ service: SERVICE, message: `Error: ${error.message}` }]),
          }),
        });
        if (res.status !== 202) throw new Error(`POST /webhooks/datadog answered HTTP ${res.status}`);
        const { workflows } = (await res.json()) as { workflows: { workflowId: string }[] };
        const workflowId = workflows[0]!.workflowId;
        const s = await waitForStatus(
          { ...ctx, workflowId },
          'the escalation',
          (x) => x.stage === 'escalated' && (x.escalations?.length ?? 0) > 0,
          120_000,
        );
        const e = s.escalations![0]!;
        return {
          summary: `${triageLine(s.triage!)}: escalated to ${mentionsOf(e.notified)}, no fix attempted`,
          details: [
            `workflow ${workflowId}`,
            `  rationale: ${s.triage!.rationale}`,
            `  timeline: ${s.timeline.map((t) => t.stage).join(' → ')}`,
          ],
        };
      },
    ),
};

const jiraStage: DemoStage<PipelineContext> = {
  name: 'Jira: a bug reported by support',
  async run(ctx) {
    const jira = await startJiraFake();
    // Support's report is about the web shop, a repository of its own with the cart bug still in it.
    const repoUrl = await ctx.fakes.git.createBareRepo(
      JIRA_SERVICE,
      await readTree(path.join(repoRoot, 'test/fixtures/sample-repo')),
    );
    try {
      return await withServices(
        ctx,
        'jira',
        (c) => ({
          ...c,
          git: { ...c.git, repoUrl },
          jira: {
            ...c.jira,
            baseUrl: jira.url,
            email: jira.email,
            apiToken: jira.apiToken,
            webhookSecret: JIRA_SECRET,
            transitions: { suggested: 'In Progress', 'pr-opened': 'In Review', verified: 'Done' },
          },
        }),
        async (_config, apiUrl) => {
          const issue = jira.addIssue({
            summary: 'Guests get an error page at checkout',
            labels: ['bugfix', `service:${JIRA_SERVICE}`],
            description: {
              type: 'doc',
              version: 1,
              content: [
                { type: 'paragraph', content: [{ type: 'text', text: 'Two customers wrote in today. The log says:' }] },
                { type: 'codeBlock', attrs: {}, content: [{ type: 'text', text: sampleStackTrace }] },
              ],
            },
          });
          const res = await deliverJiraWebhook(`${apiUrl}/webhooks/jira`, jira.webhookPayload(issue.key), JIRA_SECRET);
          if (res.status !== 202) throw new Error(`POST /webhooks/jira answered HTTP ${res.status}`);
          const { workflows } = (await res.json()) as { workflows: { workflowId: string }[] };
          const workflowId = workflows[0]!.workflowId;
          await waitForStatus({ ...ctx, workflowId }, 'the suggestion', (x) => x.slack !== undefined, 120_000);
          const comment = await waitUntil(
            'the comment on the Jira issue',
            () => jira.issue(issue.key)!.comments[0],
            30_000,
          ).catch(async (err: Error) => {
            const s = await handleOf({ ...ctx, workflowId }).query<RunStatus>('status');
            throw new Error(
              `${err.message} (run ${workflowId} at ${s.stage}, jira ${JSON.stringify(s.jira)}, notes: ${s.notes.join(' | ') || 'none'})`,
            );
          });
          const status = await waitUntil(
            'the Jira transition',
            () => (jira.issue(issue.key)!.status === 'In Progress' ? 'In Progress' : undefined),
            30_000,
          );
          await ctx.client.workflow
            .getHandle(workflowId)
            .terminate('demo: the Jira round trip was shown')
            .catch(() => undefined);
          return {
            summary: `${issue.key} started ${workflowId}; the issue is now "${status}" with the suggestion in a comment`,
            details: adfToText(comment.body)
              .split('\n')
              .slice(0, 4)
              .map((l) => `  ${l}`),
          };
        },
      );
    } finally {
      await jira.close();
    }
  },
};

export const peopleStages: DemoStage<PipelineContext>[] = [escalatedStage, jiraStage];
