import { createHash } from 'node:crypto';
import type { CallOptions, CursorClient, LaunchAgentRequest } from './client';
import { toAgentInfo, type AgentInfo, type CursorAgent } from './types';

export interface LaunchFixAgentInput {
  /** What identifies the run (its workflow id, or workflow id and attempt): the branch is derived from it. */
  runKey: string;
  prompt: string;
  /** The repository's web URL, e.g. https://github.com/acme/shop. */
  repository: string;
  /** Branch, tag or commit the agent starts from: the commit the fix's diff applies to. */
  ref: string;
  /** Defaults to `fixBranchName(runKey)`; it is what makes a relaunch recognisable. */
  branchName?: string;
  model?: string;
  webhookUrl?: string;
  /** 32+ characters; without it no webhook is registered and the caller polls. */
  webhookSecret?: string;
}

/** How far back the look-up goes: agents are listed newest first. */
const LOOKUP_PAGE_SIZE = 100;
const LOOKUP_MAX_PAGES = 5;

/**
 * A stable branch name for a run: `cursor/` (Cursor's own prefix) + a readable slug of the
 * run key + a short hash of the whole key, so two runs never share a branch.
 */
export function fixBranchName(runKey: string): string {
  const hash = createHash('sha256').update(runKey).digest('hex').slice(0, 8);
  const slug = runKey
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+/, '')
    .slice(0, 48)
    .replace(/-+$/, '');
  const readable = slug.startsWith('bugfix') ? slug : `bugfix${slug ? `-${slug}` : ''}`;
  return `cursor/${readable}-${hash}`;
}

/**
 * Launches a Cursor cloud agent that applies a fix and opens its pull request, at most once
 * per branch: an agent already working on the same repository and branch (from an earlier
 * attempt whose answer was lost, or a retried activity) is returned instead of a second one.
 * An earlier agent that ended in ERROR or EXPIRED is returned as is: relaunching on the
 * same branch would collide, so the caller decides (e.g. a new run key).
 */
export async function launchFixAgent(
  client: CursorClient,
  input: LaunchFixAgentInput,
  options: CallOptions = {},
): Promise<AgentInfo & { created: boolean }> {
  const branchName = input.branchName ?? fixBranchName(input.runKey);
  const existing = await findAgentByBranch(client, input.repository, branchName, options);
  if (existing) return { ...toAgentInfo(existing), created: false };

  const request: LaunchAgentRequest = {
    prompt: { text: input.prompt },
    source: { repository: input.repository, ref: input.ref },
    target: { autoCreatePr: true, branchName },
    ...(input.model ? { model: input.model } : {}),
    ...(input.webhookUrl && input.webhookSecret
      ? { webhook: { url: input.webhookUrl, secret: input.webhookSecret } }
      : {}),
  };
  const agent = await client.launchAgent(request, options);
  return { ...toAgentInfo(agent), branchName: agent.target?.branchName ?? branchName, created: true };
}

/** The newest agent on `branchName` in `repository`, looking through the most recent agents. */
export async function findAgentByBranch(
  client: CursorClient,
  repository: string,
  branchName: string,
  options: CallOptions = {},
): Promise<CursorAgent | undefined> {
  const repo = normalizeRepository(repository);
  let cursor: string | undefined;
  for (let page = 0; page < LOOKUP_MAX_PAGES; page++) {
    const list = await client.listAgents({ limit: LOOKUP_PAGE_SIZE, ...(cursor ? { cursor } : {}) }, options);
    const match = list.agents.find(
      (a) =>
        a.target?.branchName === branchName &&
        (!a.source?.repository || normalizeRepository(a.source.repository) === repo),
    );
    if (match) return match;
    cursor = list.nextCursor;
    if (!cursor || list.agents.length === 0) return undefined;
  }
  return undefined;
}

/** `https://github.com/Acme/Shop.git/` and `https://github.com/acme/shop` are the same repository. */
export function normalizeRepository(url: string): string {
  return url
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
}
