import express, { Router } from 'express';
import type { Config } from '../../infra/platform/config/load-config';
import { fingerprintError, parseErrorStack, workflowIdFor } from '../../workflows/domain/identity/fingerprint';
import type { JiraIssueRef, OccurrenceBatch } from '../../workflows/domain/types';
import { OccurrenceSender } from '../datadog/occurrence-sender';
import { runSettings } from '../datadog/webhook-route';
import { HttpError } from '../http/http-error';
import { jsonOf } from '../http/json-body';
import type { WebhookDeps } from '../webhook-runs';
import { issueErrorOf } from './issue-error';
import { ISSUE_EVENTS, parseJiraEvent, type JiraEvent, type JiraIssue } from './parse-event';
import { verifyJiraSignature } from './verify-signature';

/**
 * POST /webhooks/jira: a Jira Cloud admin webhook signed with JIRA_WEBHOOK_SECRET. An issue created
 * with the trigger label or in a trigger project (or given the label later) starts the pipeline
 * exactly as a Datadog alert does: the issue's error is fingerprinted with the same rule, so an
 * error that already has a run joins it (signal-with-start), counted once per issue.
 */
export function jiraWebhookRoute({ client, config, log }: WebhookDeps): Router {
  const router = Router();
  const sender = new OccurrenceSender(client, config.temporal.taskQueue);

  /** Before the body is read: without a secret nothing can be verified, so nothing is accepted. */
  const configured: express.RequestHandler = (_req, _res, next) =>
    next(
      config.jira.webhookSecret
        ? undefined
        : new HttpError(503, 'not_configured', 'JIRA_WEBHOOK_SECRET is not set: refusing unsigned webhooks'),
    );

  router.post('/webhooks/jira', configured, express.raw({ limit: '2mb', type: () => true }), async (req, res, next) => {
    try {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const check = verifyJiraSignature(config.jira.webhookSecret, raw, req.get('x-hub-signature'));
      if (!check.ok) throw new HttpError(401, 'invalid_signature', `Jira webhook rejected: ${check.reason}`);
      const event = parseJiraEvent(jsonOf(raw));
      const ignored = whyIgnored(event, config);
      if (ignored || !event.issue) {
        log({ msg: 'jira webhook ignored', event: event.webhookEvent, issue: event.issue?.key, reason: ignored });
        res.status(202).json({ event: event.webhookEvent, ignored: true, reason: ignored ?? 'no issue' });
        return;
      }

      const { issue } = event;
      const reported = issueErrorOf(issue, config.jira.defaultService);
      const identity = fingerprintError(reported, parseErrorStack(reported.stack));
      const workflowId = workflowIdFor(identity, config.temporal.workflowIdPrefix);
      const at = new Date(event.timestamp ?? Date.now()).toISOString();
      const batch: OccurrenceBatch = {
        // The run counts each delivery id once: one per issue, so a redelivery or a later update counts once.
        deliveryId: `jira-${issue.id}`,
        occurrences: [
          {
            id: `jira-${issue.id}`,
            at,
            message: reported.message,
            ...(reported.stack ? { stack: reported.stack } : {}),
          },
        ],
        jira: issueRef(issue, config),
      };
      const runId = await sender.send(workflowId, { identity, settings: runSettings(config) }, batch);
      log({ msg: 'jira issue accepted', issue: issue.key, workflowId, serviceFrom: reported.serviceFrom });
      res.status(202).json({
        event: event.webhookEvent,
        issue: issue.key,
        workflows: [
          {
            workflowId,
            runId,
            fingerprint: identity.fingerprint,
            service: identity.service,
            serviceFrom: reported.serviceFrom,
            errorType: identity.errorType,
            occurrences: 1,
          },
        ],
      });
    } catch (err) {
      next(err);
    }
  });
  return router;
}

/** Why an event starts nothing, or undefined when it starts (or joins) a run. */
function whyIgnored(event: JiraEvent, config: Config): string | undefined {
  if (!ISSUE_EVENTS.has(event.webhookEvent)) return `event ${event.webhookEvent} does not start runs`;
  const issue = event.issue!;
  const label = config.jira.triggerLabel;
  const labelled = issue.fields.labels.includes(label);
  if (event.webhookEvent === 'jira:issue_updated') {
    const added =
      event.labelChange && event.labelChange.after.includes(label) && !event.labelChange.before.includes(label);
    return added && labelled ? undefined : `the update did not add the label "${label}"`;
  }
  if (labelled || config.jira.triggerProjects.includes(issue.fields.project.key.toUpperCase())) return undefined;
  return `issue has no label "${label}" and project ${issue.fields.project.key} is not in JIRA_TRIGGER_PROJECTS`;
}

function issueRef(issue: JiraIssue, config: Config): JiraIssueRef {
  // The configured site, else the origin of the issue's REST URL (the webhook is signed, so it is Jira's).
  let base = config.jira.baseUrl;
  if (!base && issue.self) {
    try {
      base = new URL(issue.self).origin;
    } catch {
      base = undefined;
    }
  }
  return {
    key: issue.key,
    id: issue.id,
    url: base ? `${base}/browse/${encodeURIComponent(issue.key)}` : issue.key,
    summary: issue.fields.summary.slice(0, 300),
    project: issue.fields.project.key.slice(0, 255),
  };
}
