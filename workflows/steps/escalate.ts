import { workflowInfo } from '@temporalio/workflow';
import { stackOf, type Run } from '../run-state';
import {
  escalationText,
  pagerDutyDedupKey,
  pagerDutyTarget,
  type Escalation,
  type EscalationReason,
  type LadderStep,
} from '../domain/escalation';
import { parseErrorStack } from '../domain/identity/fingerprint';
import { stackFiles } from '../domain/stack-files';
import type { Unanswered } from './answer';

/**
 * Escalation to people, applied by the run: who is told (the service's policy, and CODEOWNERS of the
 * stack's files), in the Slack thread and in the run's record (`escalations`), and the PagerDuty
 * incident of an unanswered approval, resolved once someone answers. `enabled` is false in runs
 * started before escalation (their histories have none of these steps).
 */
export function escalations(run: Run, enabled: boolean) {
  const r = run.record;
  const { identity, settings } = run.input;
  const { slack, escalation, git, jira } = run.act;
  const plan = () =>
    escalation.escalationPolicy({ service: identity.service, reminderIntervalMs: settings.reminderIntervalMs });
  const record = (e: Escalation) => {
    (r.escalations ??= []).push(e);
    return e;
  };

  /** The owners, at once: not fixable by code, no fix, failed checks, a regression. */
  async function escalate(reason: EscalationReason, detail: string): Promise<void> {
    if (!enabled) return;
    const p = await plan();
    const files = p.codeowners ? stackFiles(parseErrorStack(stackOf(run))) : [];
    let codeOwners: string[] = [];
    if (files.length) {
      const commit = r.fix?.baseCommit ?? (await git.cloneRepository({ runKey: workflowInfo().workflowId })).commit;
      codeOwners = (await escalation.codeOwners({ commit, files })).slack;
    }
    const notified = [...new Set([...p.owners, ...codeOwners])];
    const e = record({ level: 0, reason, detail, notified, at: new Date().toISOString() });
    // A run no Jira issue started opens one for the owning team, where that is configured.
    if (!r.jira && !r.escalationIssue) {
      const { workflowId } = workflowInfo();
      const opened = await jira
        .openEscalationIssue({
          ...(p.jiraProject ? { project: p.jiraProject } : {}),
          summary: `${identity.service}: ${identity.errorType} needs people (${reason})`.slice(0, 250),
          text: [
            escalationText(e).replace(/<[^>]*>/g, ''),
            '```',
            run.message().slice(0, 4_000),
            '```',
            run.status().runUrl,
          ].join('\n'),
          dedupeKey: workflowId,
        })
        .catch(() => undefined);
      if (opened) r.escalationIssue = opened;
    }
    r.slack ??= await slack.postSuggestion({ status: run.status() });
    const issue = r.escalationIssue ? ` Jira: ${r.escalationIssue.url}` : '';
    await slack.replyInThread({ ref: r.slack, text: escalationText(e) + issue, dedupeKey: `escalation-${reason}` });
  }

  /** The approval's no-answer ladder: the next group, then PagerDuty, each on its own timer. */
  async function unanswered(): Promise<Unanswered | undefined> {
    if (!enabled) return undefined;
    const { ladder } = await plan();
    const climbed = Math.max(0, ...(r.escalations ?? []).filter((e) => e.reason === 'no-answer').map((e) => e.level));
    const climb = async (step: LadderStep, reminders: number) => {
      const { workflowId } = workflowInfo();
      const dedupKey = pagerDutyDedupKey(workflowId);
      const { runUrl } = run.status();
      if (step.pagerDuty)
        await escalation.triggerPagerDutyIncident({
          service: identity.service,
          dedupKey,
          summary: `Bug fix for ${identity.service} (${identity.errorType}) waits for approval with no answer`,
          severity: 'warning',
          details: { workflowId, reminders, level: step.level },
          links: [{ href: runUrl, text: 'The run in Temporal' }],
        });
      const e = record({
        level: step.level,
        reason: 'no-answer',
        detail: '',
        notified: step.pagerDuty ? [pagerDutyTarget(identity.service)] : step.notify,
        at: new Date().toISOString(),
        ...(step.pagerDuty ? { pagerDutyDedupKey: dedupKey } : {}),
      });
      await slack.replyInThread({
        ref: r.slack!,
        text: escalationText(e, { reminders }),
        dedupeKey: `escalation-no-answer-${step.level}`,
      });
    };
    return { ladder, climbed, climb };
  }

  /** The incident this run opened, resolved (once) when someone answered. */
  async function resolvePage(): Promise<void> {
    const page = r.escalations?.find((e) => e.pagerDutyDedupKey);
    if (!page || r.pageResolvedAt) return;
    await escalation.resolvePagerDutyIncident({ service: identity.service, dedupKey: page.pagerDutyDedupKey! });
    r.pageResolvedAt = new Date().toISOString();
  }

  return { escalate, unanswered, resolvePage };
}
