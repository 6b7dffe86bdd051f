import { ErrorCode, type AuthTestResponse, type WebClient } from '@slack/web-api';
import { createSlackClient } from '../../activities/slack/client';
import { resolveChannelId } from '../../activities/slack/resolve-channel';
import type { Config } from '../platform/config/load-config';
import {
  dependsOn,
  fail,
  messageOf,
  notSet,
  ok,
  warn,
  type CheckContext,
  type DoctorCheck,
  type Outcome,
} from './check';
import { configCheck } from './config-check';

const SLACK_HINT = 'check SLACK_API_URL (unset for slack.com) and the network path to Slack';
const MANIFEST = 'add it to the Slack app (infra/slack/manifest.yaml lists them all) and reinstall it to the workspace';

interface ChannelInfo {
  id: string;
  name?: string;
  isPrivate: boolean;
  isMember?: boolean;
  isArchived: boolean;
}

/** `error` of a Slack platform answer (`invalid_auth`, `missing_scope`, ...), with the scope it needed. */
function platformError(err: unknown): { error: string; needed?: string } | undefined {
  const e = err as { code?: unknown; data?: { error?: string; needed?: string } };
  if (e.code !== ErrorCode.PlatformError || !e.data?.error) return undefined;
  return { error: e.data.error, ...(e.data.needed ? { needed: e.data.needed } : {}) };
}

const client = (ctx: CheckContext): WebClient => createSlackClient(ctx.config.slack, { timeoutMs: ctx.timeoutMs });

/** auth.test, once for the group: it proves the token and carries the granted scopes (`x-oauth-scopes`). */
const authTest = (ctx: CheckContext): Promise<AuthTestResponse> =>
  ctx.shared('slack.auth', () => client(ctx).auth.test());

/** The channel as conversations.info sees it; a token without channels:read falls back to reading its history. */
function channelInfo(ctx: CheckContext): Promise<ChannelInfo> {
  return ctx.shared('slack.channel', async () => {
    const web = client(ctx);
    const id = await resolveChannelId(web, ctx.config.slack.channel!);
    try {
      const { channel } = await web.conversations.info({ channel: id });
      return {
        id,
        ...(channel?.name ? { name: channel.name } : {}),
        isPrivate: Boolean(channel?.is_private),
        ...(channel?.is_member !== undefined ? { isMember: channel.is_member } : {}),
        isArchived: Boolean(channel?.is_archived),
      };
    } catch (err) {
      if (platformError(err)?.error !== 'missing_scope') throw err;
      // What the pipeline itself does with the channel: reading its history needs the bot in it.
      const isMember = await web.conversations.history({ channel: id, limit: 1 }).then(
        () => true,
        (e: unknown) => (platformError(e)?.error === 'not_in_channel' ? false : Promise.reject(e)),
      );
      return { id, isPrivate: id.startsWith('G'), isMember, isArchived: false };
    }
  });
}

function slackFailure(what: string, err: unknown): Outcome {
  const platform = platformError(err);
  if (!platform) return fail(`${what}: ${messageOf(err)}`, SLACK_HINT);
  switch (platform.error) {
    case 'invalid_auth':
    case 'not_authed':
    case 'token_revoked':
    case 'token_expired':
    case 'account_inactive':
      return fail(`${what}: ${platform.error}`, "set SLACK_BOT_TOKEN to the app's Bot User OAuth Token (xoxb-…)");
    case 'missing_scope':
      return fail(`${what}: missing_scope (needs ${platform.needed ?? 'a scope'})`, `${platform.needed}: ${MANIFEST}`);
    default:
      return fail(`${what}: ${platform.error}`, SLACK_HINT);
  }
}

/** The scopes the pipeline's calls need: post and update (chat:write), the full diff (files:write), the channel's history. */
export function requiredSlackScopes(config: Config, channel?: ChannelInfo): string[] {
  const history = channel?.isPrivate ? 'groups:history' : 'channels:history';
  const byName = config.slack.channel && !/^[CGD][A-Z0-9]{6,}$/.test(config.slack.channel.replace(/^#/, ''));
  return ['chat:write', 'files:write', history, ...(byName ? ['channels:read'] : [])];
}

const needsToken = (config: Config) => (config.slack.botToken ? undefined : notSet('SLACK_BOT_TOKEN'));

export function slackChecks(): DoctorCheck[] {
  return [
    {
      id: 'slack.auth',
      group: 'slack',
      fast: false,
      timeoutHint: SLACK_HINT,
      precondition: (config) =>
        config.slack.botToken
          ? undefined
          : fail('SLACK_BOT_TOKEN is not set', "set SLACK_BOT_TOKEN to the Slack app's Bot User OAuth Token (xoxb-…)"),
      async run(ctx) {
        try {
          const auth = await authTest(ctx);
          const who = `@${auth.user ?? '?'} in ${auth.team ?? auth.team_id ?? 'the workspace'}`;
          if (!auth.bot_id)
            return warn(`${who} is not a bot token`, 'use the Bot User OAuth Token (xoxb-…) as SLACK_BOT_TOKEN');
          return ok(`auth.test: ${who} (bot ${auth.bot_id})`);
        } catch (err) {
          return slackFailure('auth.test', err);
        }
      },
    },
    {
      id: 'slack.scopes',
      group: 'slack',
      fast: false,
      timeoutHint: SLACK_HINT,
      precondition: needsToken,
      async run(ctx) {
        const auth = await authTest(ctx).catch(() => undefined);
        if (!auth) return dependsOn('slack.auth');
        const channel = ctx.config.slack.channel ? await channelInfo(ctx).catch(() => undefined) : undefined;
        const required = requiredSlackScopes(ctx.config, channel);
        const granted = auth.response_metadata?.scopes;
        if (!granted)
          return warn(
            'Slack did not report the token scopes (no x-oauth-scopes header)',
            `make sure the app has ${required.join(', ')}`,
          );
        const missing = required.filter((s) => !granted.includes(s));
        if (!missing.length) return ok(`post, update, upload and read the channel: ${required.join(', ')} granted`);
        return fail(
          `token lacks ${missing.join(', ')} (granted: ${granted.join(', ') || 'none'})`,
          `${missing.join(', ')}: ${MANIFEST}`,
        );
      },
    },
    {
      id: 'slack.channel',
      group: 'slack',
      fast: false,
      timeoutHint: SLACK_HINT,
      precondition: (config) =>
        needsToken(config) ??
        (config.slack.channel
          ? undefined
          : fail('SLACK_CHANNEL is not set', 'set SLACK_CHANNEL to the channel ID where fixes are proposed (C…)')),
      async run(ctx) {
        if (!(await authTest(ctx).catch(() => undefined))) return dependsOn('slack.auth');
        const configured = ctx.config.slack.channel!;
        let channel: ChannelInfo;
        try {
          channel = await channelInfo(ctx);
        } catch (err) {
          const platform = platformError(err);
          if (platform?.error === 'channel_not_found' || (!platform && /not found/.test(messageOf(err))))
            return fail(
              `channel ${configured} not found (a private channel is invisible until the bot is invited)`,
              "set SLACK_CHANNEL to the channel's ID (channel details → About) and invite the bot (/invite @bot)",
            );
          return slackFailure(`channel ${configured}`, err);
        }
        const label = `${channel.name ? `#${channel.name} ` : ''}(${channel.id})`;
        if (channel.isArchived)
          return fail(`${label} is archived`, 'unarchive it, or set SLACK_CHANNEL to another channel');
        if (channel.isMember === false)
          return fail(
            `the bot is not a member of ${label}: it could not read its threads`,
            `invite the bot to the channel (/invite @bot in ${label})`,
          );
        return ok(`${label} found, the bot is a member`);
      },
    },
    configCheck('slack.signing-secret', 'slack', (config) =>
      config.slack.signingSecret
        ? ok('SLACK_SIGNING_SECRET is set')
        : fail(
            'SLACK_SIGNING_SECRET is not set: the Approve / Reject buttons would be refused',
            "set SLACK_SIGNING_SECRET to the app's Signing Secret (Basic Information → App Credentials)",
          ),
    ),
    configCheck('slack.approvers', 'slack', (config) => approversOutcome(config.slack.approverUserIds)),
  ];
}

function approversOutcome(ids: readonly string[]): Outcome {
  if (!ids.length)
    return fail(
      'APPROVER_SLACK_USER_IDS is empty: nobody may approve a fix',
      'set APPROVER_SLACK_USER_IDS to the Slack user IDs (U…) of those who may approve, comma-separated',
    );
  if (ids.includes('*'))
    return warn(
      'APPROVER_SLACK_USER_IDS is *: anyone in the channel may approve',
      'list the approvers by Slack user ID',
    );
  const odd = ids.filter((id) => !/^[UW][A-Z0-9]{2,}$/.test(id));
  if (odd.length)
    return warn(
      `${odd.join(', ')} ${odd.length > 1 ? 'do' : 'does'} not look like a Slack user ID (U…)`,
      'use member IDs (profile → ⋮ → Copy member ID) in APPROVER_SLACK_USER_IDS, not names',
    );
  return ok(`${ids.length} approver${ids.length > 1 ? 's' : ''}`);
}
