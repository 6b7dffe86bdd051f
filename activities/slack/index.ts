import type { WebClient } from '@slack/web-api';
import type { Config } from '../../infra/platform/config/load-config';
import type { SlackMessageRef } from '../../workflows/domain/types';
import { configFailure, createSlackClient } from './client';
import { postSuggestion } from './post-suggestion';
import { replyInThread } from './reply-in-thread';
import { resolveChannelId } from './resolve-channel';
import { updateSuggestion } from './update-suggestion';
import { threadReplies, type ThreadReply } from './thread-replies';
import { diffFits, type SuggestionView } from './suggestion-blocks';
import { attachFullDiff } from './attach-full-diff';
import { postDebtDigest } from './post-debt-digest';
import type { DebtDigestView } from './debt-digest-blocks';

export type { SuggestionView } from './suggestion-blocks';

/**
 * The Slack activities. Configuration problems (no token, no channel) surface as a
 * non-retryable SlackConfigError when an activity runs, so a worker without Slack still starts.
 */
export function createSlackActivities(config: Config['slack']) {
  let client: WebClient | undefined;
  let channelId: Promise<string> | undefined;
  const slack = () => (client ??= createSlackClient(config));
  const channel = (): Promise<string> => {
    if (!config.channel) return Promise.reject(configFailure('SLACK_CHANNEL is not set'));
    channelId ??= resolveChannelId(slack(), config.channel).catch((err: unknown) => {
      channelId = undefined; // a transient failure must not stick
      throw err;
    });
    return channelId;
  };

  return {
    /** Posts the approval message; a diff too long for it goes to the thread whole, as a file. */
    async postSuggestion(input: { view: SuggestionView }): Promise<SlackMessageRef> {
      const ref = await postSuggestion(slack(), { channel: await channel(), view: input.view });
      const diff = input.view.fix?.diff;
      if (diff && !diffFits(diff))
        await attachFullDiff(slack(), ref, { diff, filename: `fix-${input.view.identity.fingerprint}.diff` });
      return ref;
    },
    async updateSuggestion(input: { ref: SlackMessageRef; view: SuggestionView }): Promise<void> {
      await updateSuggestion(slack(), input.ref, input.view);
    },
    async replyInThread(input: { ref: SlackMessageRef; text: string; dedupeKey?: string }): Promise<SlackMessageRef> {
      return replyInThread(slack(), input.ref, input.text, input.dedupeKey);
    },
    async threadReplies(input: { ref: SlackMessageRef }): Promise<ThreadReply[]> {
      return threadReplies(slack(), input.ref);
    },
    /** A technical-debt scan's digest, posted once per scan run. */
    async postDebtDigest(input: { view: DebtDigestView; runId: string }): Promise<SlackMessageRef> {
      return postDebtDigest(slack(), { channel: await channel(), ...input });
    },
  };
}

export type SlackActivities = ReturnType<typeof createSlackActivities>;
