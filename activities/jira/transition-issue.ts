import type { Version3Client } from 'jira.js';
import { jiraCall } from './jira-failure';

export interface TransitionIssueParams {
  key: string;
  /**
   * A transition's name, as configured in JIRA_TRANSITIONS (case-insensitive); a target status's name
   * also matches. Name transitions after their status (Jira's default) so that a retry finds
   * `already-there`: a transition no longer offered cannot be told from one never offered.
   */
  to: string;
}

export type TransitionIssueResult =
  | { outcome: 'transitioned'; from: string; status: string; transition: string }
  /** The issue was already in a status of that name: nothing done (also what a retry finds). */
  | { outcome: 'already-there'; status: string }
  /** The issue's workflow offers no such transition from where it is now: nothing done. */
  | { outcome: 'unavailable'; status: string; available: string[] };

const same = (a: string | undefined, b: string) => a !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();

/** Moves the issue by transition name: GET its transitions, POST the one named. */
export async function transitionIssue(
  jira: Version3Client,
  { key, to }: TransitionIssueParams,
): Promise<TransitionIssueResult> {
  const issue = await jiraCall(`read ${key}`, () => jira.issues.getIssue({ issueIdOrKey: key, fields: ['status'] }));
  const status = issue.fields?.status?.name ?? '';
  const { transitions = [] } = await jiraCall(`list the transitions of ${key}`, () =>
    jira.issues.getTransitions({ issueIdOrKey: key }),
  );
  const chosen = transitions.find((t) => same(t.name, to)) ?? transitions.find((t) => same(t.to?.name, to));
  if (same(status, to) || (chosen && same(chosen.to?.name, status))) return { outcome: 'already-there', status };
  if (!chosen?.id)
    return { outcome: 'unavailable', status, available: transitions.map((t) => t.name ?? '').filter(Boolean) };
  await jiraCall(`transition ${key} by "${chosen.name ?? to}"`, () =>
    jira.issues.doTransition({ issueIdOrKey: key, transition: { id: chosen.id! } }),
  );
  return { outcome: 'transitioned', from: status, status: chosen.to?.name ?? to, transition: chosen.name ?? to };
}
