import type { Config } from '../platform/config/load-config';

/** ok: works; warn: works, with a caveat (or not needed yet); fail: a run would fail there; skip: not applicable or not checkable. */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export const CHECK_GROUPS = ['temporal', 'slack', 'datadog', 'git', 'github', 'cursor', 'claude'] as const;
export type CheckGroup = (typeof CHECK_GROUPS)[number];

/** One line of the report (and one element of `doctor --json`). */
export interface CheckResult {
  id: string;
  group: CheckGroup;
  status: CheckStatus;
  /** What was found, in one line. */
  detail: string;
  /** What to change (the variable, scope or permission); empty when there is nothing to do. */
  hint: string;
}

export type Outcome = Pick<CheckResult, 'status' | 'detail' | 'hint'>;

export const ok = (detail: string): Outcome => ({ status: 'ok', detail, hint: '' });
export const warn = (detail: string, hint: string): Outcome => ({ status: 'warn', detail, hint });
export const fail = (detail: string, hint: string): Outcome => ({ status: 'fail', detail, hint });
export const skip = (detail: string, hint = ''): Outcome => ({ status: 'skip', detail, hint });

/** What a check runs with. */
export interface CheckContext {
  config: Config;
  /** Aborted when the check's time is up: pass it to every request. */
  signal: AbortSignal;
  /** The check's deadline, for clients that take a timeout rather than a signal. */
  timeoutMs: number;
  /**
   * One computation shared by the checks of a run (a connection, an auth call): made once, on first
   * use, with its own deadline; `close` runs when the report is done.
   */
  shared<T>(key: string, create: (signal: AbortSignal) => Promise<T>, close?: (value: T) => Promise<void>): Promise<T>;
}

export interface DoctorCheck {
  id: string;
  group: CheckGroup;
  /**
   * Local or configuration-only (or answered in well under a second by a service `npm start` has
   * just brought up): `npm start` runs it. The others call outside services.
   */
  fast: boolean;
  /**
   * The configuration alone decides the outcome (a variable unset, a mode that does not use the
   * integration): no call is made. Runs in every mode, `npm start`'s included.
   */
  precondition?(config: Config): Outcome | undefined;
  run(ctx: CheckContext): Promise<Outcome>;
  /** Said when the check runs out of time. */
  timeoutHint: string;
}

/** An error's message without a trailing period, for one-line details. */
export function messageOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.replace(/\.$/, '');
}

/** A check that needs a variable another check already reports as unset. */
export function notSet(variable: string): Outcome {
  return skip(`not checked: ${variable} is not set`);
}

/** A check that cannot run because what it builds on failed: the failure is reported once, by that check. */
export function dependsOn(what: string): Outcome {
  return skip(`not checked: ${what} failed`);
}
