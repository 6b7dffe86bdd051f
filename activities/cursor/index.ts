import type { Config } from '../../infra/platform/config/load-config';
import { createCursorClient, type CursorClient, type CursorClientOptions } from './client';
import { CursorFailureType } from '../../workflows/domain/failures';
import { launchFixAgent, type LaunchFixAgentInput } from './launch-fix-agent';
import { cursorFixPrompt, cursorRevertPrompt, type CursorFixPromptInput, type CursorRevertPromptInput } from './prompt';
import { isTerminalStatus, toAgentInfo, type AgentInfo } from './types';
import { activitySignal } from '../activity-context';

export { fixBranchName } from './launch-fix-agent';
export { isTerminalStatus, parseStatusChange, type AgentInfo, type AgentStatus } from './types';
export type { CursorFixPromptInput, CursorRevertPromptInput } from './prompt';

/**
 * The prompt as text, or what to build it from: workflow code cannot import the prompt
 * builders (activities are type-only imports there), so the activity builds it.
 */
export type AgentInstructions = string | { fix: CursorFixPromptInput } | { revert: CursorRevertPromptInput };

/** The webhook secret never travels through workflow history: it comes from the worker's configuration. */
export type LaunchFixAgentActivityInput = Omit<LaunchFixAgentInput, 'prompt' | 'webhookSecret'> & {
  prompt: AgentInstructions;
};

/**
 * The Cursor activities. A missing CURSOR_API_KEY surfaces as a non-retryable CursorConfigError
 * when an activity runs, so a worker without Cursor still starts.
 */
export function createCursorActivities(config: Config['cursor'], options: CursorClientOptions = {}) {
  let client: CursorClient | undefined;
  const cursor = () => (client ??= createCursorClient(config, options));

  return {
    async launchFixAgent(input: LaunchFixAgentActivityInput): Promise<AgentInfo & { created: boolean }> {
      const { prompt, ...rest } = input;
      return launchFixAgent(
        cursor(),
        { ...rest, prompt: promptText(prompt), webhookSecret: config.webhookSecret },
        activitySignal(),
      );
    },
    async getAgent(input: { id: string }): Promise<AgentInfo> {
      return toAgentInfo(await cursor().getAgent(input.id, activitySignal()));
    },
    /** Stops a working agent; one that has already ended is returned as it is. */
    async stopAgent(input: { id: string }): Promise<AgentInfo> {
      const c = cursor();
      try {
        await c.stopAgent(input.id, activitySignal());
      } catch (err) {
        // Stopping an agent that already ended may be refused; the goal (it is not working) holds.
        const refused = (err as { type?: unknown }).type === CursorFailureType.BadRequest;
        const agent = refused ? await c.getAgent(input.id, activitySignal()) : undefined;
        if (!agent || !isTerminalStatus(agent.status)) throw err;
        return toAgentInfo(agent);
      }
      return toAgentInfo(await c.getAgent(input.id, activitySignal()));
    },
  };
}

export type CursorActivities = ReturnType<typeof createCursorActivities>;

function promptText(prompt: AgentInstructions): string {
  if (typeof prompt === 'string') return prompt;
  return 'fix' in prompt ? cursorFixPrompt(prompt.fix) : cursorRevertPrompt(prompt.revert);
}
