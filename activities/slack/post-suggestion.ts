import type { WebClient } from '@slack/web-api';
import type { SlackMessageRef } from '../../workflows/domain/types';
import { RUN_EVENT_TYPE } from './metadata';
import { postOnce } from './post-once';
import { suggestionBlocks, type SuggestionView } from './suggestion-blocks';

export interface PostSuggestionInput {
  /** Channel ID (conversations.history does not take names; see resolveChannelId). */
  channel: string;
  view: SuggestionView;
  /** How many recent channel messages to search for an earlier attempt's post. */
  lookback?: number;
}

export function runMetadata(view: Pick<SuggestionView, 'workflowId' | 'runId'>) {
  return {
    event_type: RUN_EVENT_TYPE,
    event_payload: { workflow_id: view.workflowId, ...(view.runId ? { run_id: view.runId } : {}) },
  };
}

/** Posts the approval message once per run (a rerun under the same workflow id, with its `runId`, gets its own). */
export async function postSuggestion(
  client: WebClient,
  { channel, view, lookback = 100 }: PostSuggestionInput,
): Promise<SlackMessageRef> {
  const { text, blocks } = suggestionBlocks(view);
  const { event_type, event_payload } = runMetadata(view);
  return postOnce(client, { channel, text, blocks, eventType: event_type, key: event_payload, lookback });
}
