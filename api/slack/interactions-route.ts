import express, { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { KnownBlock, WebClient } from '@slack/web-api';
import type { Config } from '../../infra/platform/config/load-config';
import { HttpError } from '../http/http-error';
import { checkApprover } from '../../workflows/domain/approvers';
import { verifySlackSignature } from './verify-signature';
import { respondToAction } from '../../activities/slack/respond';
import {
  APPROVE_ACTION_ID as APPROVE_ACTION,
  FIX_DEBT_ACTION_ID as FIX_DEBT_ACTION,
  NOT_CODE_ACTION_ID as NOT_CODE_ACTION,
  NOT_CODE_DIALOG_ID as NOT_CODE_MODAL,
  REJECT_ACTION_ID as REJECT_ACTION,
  REJECT_REASON_DIALOG_ID as REJECT_MODAL,
} from '../../workflows/domain/slack-actions';
import type { Decision } from '../../workflows/domain/types';
import { ERROR_CATEGORIES, type ErrorCategory } from '../../workflows/domain/triage';
import { OccurrenceSender } from '../datadog/occurrence-sender';
import { startDebtFix } from './fix-debt';
import { deliverDecision } from './deliver-decision';
import { DecisionDeliveries } from './decision-deliveries';

interface SlackUser {
  id: string;
  username?: string;
  name?: string;
}
interface Interaction {
  type: string;
  user?: SlackUser;
  actions?: { action_id: string; value?: string }[];
  response_url?: string;
  trigger_id?: string;
  view?: {
    callback_id?: string;
    private_metadata?: string;
    state?: {
      values?: Record<string, Record<string, { value?: string | null; selected_option?: { value?: string } | null }>>;
    };
  };
}

export interface InteractionDeps {
  client: Client;
  config: Config;
  /** Opens the "reason for rejecting" modal; absent when no bot token is configured. */
  slack?: WebClient;
  log: (entry: Record<string, unknown>) => void;
  /** Decisions still being sent, drained when the ingress shuts down. */
  deliveries?: DecisionDeliveries;
}

/**
 * POST /slack/interactions: Approve / Reject clicks, and "Fix this" in a debt digest. The signature is checked on the raw
 * body; the answer goes back at once (Slack allows 3 s) and the decision is delivered to
 * the run as an update, whose validator makes a double click decide only once.
 */
export function slackInteractionsRoute({
  client,
  config,
  slack,
  log,
  deliveries = new DecisionDeliveries(),
}: InteractionDeps): Router {
  const router = Router();
  const sender = new OccurrenceSender(client, config.temporal.taskQueue);
  router.post('/slack/interactions', express.raw({ type: () => true, limit: '256kb' }), async (req, res, next) => {
    try {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const check = verifySlackSignature({
        signingSecret: config.slack.signingSecret,
        rawBody: raw,
        timestamp: req.get('x-slack-request-timestamp'),
        signature: req.get('x-slack-signature'),
      });
      if (!check.ok) throw new HttpError(401, 'invalid_signature', `Slack request rejected: ${check.reason}`);

      const payloadText = new URLSearchParams(raw.toString('utf8')).get('payload');
      if (!payloadText) throw new HttpError(400, 'invalid_payload', 'missing form field "payload"', 'payload');
      let payload: Interaction;
      try {
        payload = JSON.parse(payloadText) as Interaction;
      } catch {
        throw new HttpError(400, 'invalid_payload', 'form field "payload" is not valid JSON', 'payload');
      }
      if (!payload.user?.id)
        throw new HttpError(400, 'invalid_payload', 'missing field "payload.user.id"', 'payload.user.id');
      const user = payload.user;

      if (payload.type === 'view_submission' && payload.view?.callback_id === REJECT_MODAL) {
        const meta = JSON.parse(payload.view.private_metadata ?? '{}') as { workflowId?: string; responseUrl?: string };
        const reason =
          Object.values(payload.view.state?.values ?? {})
            .flatMap((block) => Object.values(block))
            .find((v) => v.value)?.value ?? undefined;
        res.status(200).end(); // closes the modal
        if (!meta.workflowId) return;
        const who = checkApprover(config.slack, user.id);
        if (who.refused) return void refuseDecision(meta.workflowId, user, who.refused, meta.responseUrl);
        void decide(
          meta.workflowId,
          { approved: false, reason: reason ?? undefined, mayApproveProtected: who.mayApproveProtected },
          user,
          meta.responseUrl,
        );
        return;
      }

      if (payload.type === 'view_submission' && payload.view?.callback_id === NOT_CODE_MODAL) {
        const meta = JSON.parse(payload.view.private_metadata ?? '{}') as { workflowId?: string; responseUrl?: string };
        const values = payload.view.state?.values ?? {};
        const picked = values.category?.category_select?.selected_option?.value;
        const category = ERROR_CATEGORIES.find((c) => c === picked && c !== 'code-defect');
        const note = values.note?.note_input?.value ?? undefined;
        res.status(200).end();
        if (!meta.workflowId) return;
        const who = checkApprover(config.slack, user.id);
        if (who.refused) return void refuseDecision(meta.workflowId, user, who.refused, meta.responseUrl);
        void decide(
          meta.workflowId,
          {
            approved: false,
            reason: note ? `Not a code bug: ${note}` : 'Not a code bug',
            mayApproveProtected: who.mayApproveProtected,
            correction: category ? { category } : {},
          },
          user,
          meta.responseUrl,
        );
        return;
      }

      const ours = [APPROVE_ACTION, REJECT_ACTION, NOT_CODE_ACTION, FIX_DEBT_ACTION];
      const action =
        payload.type === 'block_actions' ? payload.actions?.find((a) => ours.includes(a.action_id)) : undefined;
      res.status(200).end();
      if (!action?.value) return; // not ours: acknowledged and ignored
      // "Fix this" in a debt digest: its value is the item, and it starts (or joins) a run.
      if (action.action_id === FIX_DEBT_ACTION)
        return void (await startDebtFix({ client, config, sender, log }, action.value, user, payload.response_url));
      const workflowId = action.value;

      const who = checkApprover(config.slack, user.id);
      if (who.refused) return void (await refuseDecision(workflowId, user, who.refused, payload.response_url));
      if (action.action_id === NOT_CODE_ACTION) {
        const opened =
          slack && payload.trigger_id
            ? await openNotCodeModal(slack, payload.trigger_id, workflowId, payload.response_url).catch(
                (err: Error) => {
                  log({ msg: 'could not open the category modal', workflowId, error: err.message });
                  return false;
                },
              )
            : false;
        // Without the modal, the run takes the triage's own non-code category (or configuration).
        if (!opened)
          await decide(
            workflowId,
            { approved: false, reason: 'Not a code bug', mayApproveProtected: who.mayApproveProtected, correction: {} },
            user,
            payload.response_url,
          );
        return;
      }
      if (action.action_id === REJECT_ACTION && slack && payload.trigger_id) {
        const opened = await openRejectModal(slack, payload.trigger_id, workflowId, payload.response_url).catch(
          (err: Error) => {
            log({ msg: 'could not open the reject modal; rejecting without a reason', workflowId, error: err.message });
            return false;
          },
        );
        if (opened) return;
      }
      const approved = action.action_id === APPROVE_ACTION;
      await decide(workflowId, { approved, mayApproveProtected: who.mayApproveProtected }, user, payload.response_url);
    } catch (err) {
      if (res.headersSent) log({ msg: 'interaction failed after acknowledgement', error: String(err) });
      else next(err);
    }
  });

  async function decide(
    workflowId: string,
    d: {
      approved: boolean;
      reason?: string | undefined;
      mayApproveProtected: boolean;
      correction?: { category?: ErrorCategory };
    },
    user: SlackUser,
    responseUrl?: string,
  ): Promise<void> {
    const decision: Decision = {
      approved: d.approved,
      userId: user.id,
      userName: user.name ?? user.username ?? user.id,
      via: 'slack',
      mayApproveProtected: d.mayApproveProtected,
      ...(d.reason ? { reason: d.reason } : {}),
      ...(d.correction ? { correction: d.correction } : {}),
    };
    const tell = (text: string) => say(responseUrl, text);
    const { stopping } = deliveries;
    await deliveries.track(
      deliverDecision({ client, taskQueue: config.temporal.taskQueue, log, say: tell, stopping }, workflowId, decision),
    );
  }

  async function refuseDecision(workflowId: string, user: SlackUser, why: string, responseUrl?: string): Promise<void> {
    log({ msg: 'decision refused', workflowId, userId: user.id, reason: why });
    await say(responseUrl, `Sorry <@${user.id}>, ${why}.`);
  }

  async function say(responseUrl: string | undefined, text: string): Promise<void> {
    if (!responseUrl) return;
    await respondToAction(responseUrl, { text, ephemeral: true }).catch((err: Error) =>
      log({ msg: 'response_url failed', error: err.message }),
    );
  }

  return router;
}

/** A modal for one decision: its metadata carries the run and where to answer the person. */
async function openDecisionModal(
  slack: WebClient,
  triggerId: string,
  meta: { workflowId: string; responseUrl?: string | undefined },
  view: { callbackId: string; title: string; submit: string; blocks: KnownBlock[] },
): Promise<boolean> {
  await slack.views.open({
    trigger_id: triggerId,
    view: {
      type: 'modal',
      callback_id: view.callbackId,
      private_metadata: JSON.stringify(meta),
      title: { type: 'plain_text', text: view.title },
      submit: { type: 'plain_text', text: view.submit },
      close: { type: 'plain_text', text: 'Cancel' },
      blocks: view.blocks,
    },
  });
  return true;
}

function openRejectModal(slack: WebClient, triggerId: string, workflowId: string, responseUrl?: string) {
  return openDecisionModal(
    slack,
    triggerId,
    { workflowId, responseUrl },
    {
      callbackId: REJECT_MODAL,
      title: 'Reject fix',
      submit: 'Reject',
      blocks: [
        {
          type: 'input',
          block_id: 'reason',
          optional: true,
          label: { type: 'plain_text', text: 'Why? (the next attempt at this error will be told)' },
          element: { type: 'plain_text_input', action_id: 'reason_input', multiline: true, max_length: 1000 },
        },
      ],
    },
  );
}

/** "Not a code bug": which kind, and why (optional); the service's triage learns from the answer. */
function openNotCodeModal(slack: WebClient, triggerId: string, workflowId: string, responseUrl?: string) {
  const option = (c: ErrorCategory) => ({ text: { type: 'plain_text' as const, text: c }, value: c });
  return openDecisionModal(
    slack,
    triggerId,
    { workflowId, responseUrl },
    {
      callbackId: NOT_CODE_MODAL,
      title: 'Not a code bug',
      submit: 'Reject and teach',
      blocks: [
        {
          type: 'input',
          block_id: 'category',
          label: { type: 'plain_text', text: 'What is it? (later errors of this service are classified with it)' },
          element: {
            type: 'static_select',
            action_id: 'category_select',
            options: ERROR_CATEGORIES.filter((c) => c !== 'code-defect').map(option),
          },
        },
        {
          type: 'input',
          block_id: 'note',
          optional: true,
          label: { type: 'plain_text', text: 'Why?' },
          element: { type: 'plain_text_input', action_id: 'note_input', multiline: true, max_length: 500 },
        },
      ],
    },
  );
}
