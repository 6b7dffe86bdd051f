/** A Cursor cloud agent's lifecycle, as its API reports it: shared by the adapter and the workflow that waits on it. */

/**
 * The v0 reference lists CREATING, RUNNING, FINISHED, ERROR, EXPIRED. STOPPED is not in it but
 * is reported after a stop by some clients of the API, so it is accepted rather than rejected.
 */
export const AGENT_STATUSES = ['CREATING', 'RUNNING', 'FINISHED', 'ERROR', 'EXPIRED', 'STOPPED'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

/** Statuses the agent will not leave on its own (a follow-up can restart it). */
export function isTerminalStatus(status: AgentStatus): boolean {
  return status === 'FINISHED' || status === 'ERROR' || status === 'EXPIRED' || status === 'STOPPED';
}

/** The pull request number in a GitHub pull request URL (`…/pull/123`), or undefined when it is not one. */
export function pullRequestNumber(url: string): number | undefined {
  const n = Number(/\/pull\/(\d+)(?:[/?#]|$)/.exec(url)?.[1]);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
