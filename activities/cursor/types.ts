import { z } from 'zod';
import { AGENT_STATUSES, type AgentStatus } from '../../workflows/domain/cursor-agent';

export { AGENT_STATUSES, isTerminalStatus, type AgentStatus } from '../../workflows/domain/cursor-agent';

/**
 * Wire shapes of Cursor's cloud agents API (v0) and its statusChange webhook. Parsing is
 * lenient: unknown fields are dropped and optional ones may be absent or null, so an API
 * that grows new fields does not break a run.
 */

const optionalString = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined);

export const agentSchema = z.object({
  id: z.string().min(1),
  name: optionalString,
  status: z.enum(AGENT_STATUSES),
  source: z.object({ repository: optionalString, ref: optionalString }).nullish(),
  target: z
    .object({
      branchName: optionalString,
      url: optionalString,
      prUrl: optionalString,
      autoCreatePr: z.boolean().nullish(),
    })
    .nullish(),
  summary: optionalString,
  /** Not in the v0 reference for GET; taken when present. */
  error: optionalString,
  createdAt: optionalString,
});
export type CursorAgent = z.infer<typeof agentSchema>;

export const agentListSchema = z.object({
  agents: z.array(agentSchema),
  nextCursor: optionalString,
});
export type CursorAgentList = z.infer<typeof agentListSchema>;

export const idOnlySchema = z.object({ id: z.string().min(1) });

/** `GET /v0/me`: the API key that authenticated the call. */
export const apiKeyInfoSchema = z.object({
  apiKeyName: optionalString,
  createdAt: optionalString,
  userEmail: optionalString,
});
export type CursorApiKeyInfo = z.infer<typeof apiKeyInfoSchema>;

/** Body of the `statusChange` webhook Cursor sends on FINISHED or ERROR. */
export const statusChangeSchema = z.object({
  event: z.literal('statusChange'),
  timestamp: optionalString,
  id: z.string().min(1),
  status: z.enum(AGENT_STATUSES),
  source: z.object({ repository: optionalString, ref: optionalString }).nullish(),
  target: z.object({ url: optionalString, branchName: optionalString, prUrl: optionalString }).nullish(),
  summary: optionalString,
  error: optionalString,
});
export type CursorStatusChange = z.infer<typeof statusChangeSchema>;

/** What the pipeline keeps of an agent; plain JSON, fit for workflow history. */
export interface AgentInfo {
  id: string;
  status: AgentStatus;
  branchName?: string;
  prUrl?: string;
  /** The agent's page in Cursor. */
  url?: string;
  summary?: string;
  error?: string;
}

export function toAgentInfo(agent: CursorAgent | CursorStatusChange): AgentInfo {
  const info: AgentInfo = { id: agent.id, status: agent.status };
  const fields: Partial<AgentInfo> = {
    branchName: agent.target?.branchName,
    prUrl: agent.target?.prUrl,
    url: agent.target?.url,
    summary: agent.summary,
    error: agent.error,
  };
  for (const [key, value] of Object.entries(fields)) if (value) Object.assign(info, { [key]: value });
  return info;
}

/**
 * Reads a webhook body (parsed JSON, already authenticated by `verifyCursorSignature`);
 * undefined when it is not a statusChange event this code understands.
 */
export function parseStatusChange(json: unknown): AgentInfo | undefined {
  const parsed = statusChangeSchema.safeParse(json);
  return parsed.success ? toAgentInfo(parsed.data) : undefined;
}
