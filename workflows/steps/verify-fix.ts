import { ActivityFailure, ApplicationFailure, sleep } from '@temporalio/workflow';
import type { RunState } from '../run-state';
import type { Verification } from '../types';
import { logsQueryFor } from '../bugfix-status';
import { datadog } from './stubs';

const HOUR = 3_600_000;

/**
 * After the deploy, watches for the same fingerprint over VERIFY_WINDOW: sightings the
 * webhook reports meanwhile, and what the Datadog logs show for the window. None means
 * fixed; any means regressed. Rates before and after are recorded for the humans.
 */
export async function verifyInProduction(state: RunState): Promise<Verification> {
  const from = state.deployment!.at;
  await sleep(state.settings.verifyWindowMs);
  const to = new Date().toISOString();

  let fromLogs: Verification['samples'] = [];
  try {
    const { identity } = state.input;
    const logs = await datadog.fetchOccurrenceLogs({ identity, query: logsQueryFor(identity, state.alert), firstSeen: from, lastSeen: to, window: { from, to } });
    fromLogs = logs.occurrences.filter((o) => Date.parse(o.at) >= Date.parse(from));
  } catch (err) {
    if (!(err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === 'DatadogAuthError')) throw err;
    state.notes.push('Verification used webhook sightings only: Datadog logs were unavailable.');
  }
  // The two sources see the same sightings; count the larger, never their sum.
  const fromWebhooks = state.ledger.since(from);
  const recurrences = Math.max(fromWebhooks.length, fromLogs.length);
  const before = state.ledger.count - fromWebhooks.length;
  const spanBefore = Math.max(Date.parse(state.ledger.lastSeen || from) - Date.parse(state.ledger.firstSeen || from), 5 * 60_000);
  return {
    from,
    to,
    recurrences,
    samples: [...fromWebhooks, ...fromLogs].slice(0, 5),
    ratePerHourBefore: round((before / spanBefore) * HOUR),
    ratePerHourAfter: round((recurrences / Math.max(Date.parse(to) - Date.parse(from), 1)) * HOUR),
    verdict: recurrences === 0 ? 'verified-fixed' : 'regressed',
  };
}

const round = (n: number) => Math.round(n * 100) / 100;
