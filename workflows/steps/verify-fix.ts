import type { Run } from '../run-state';
import type { Occurrence, Verification } from '../domain/types';
import { logsQueryFor } from '../logs-query';
import { DatadogFailureType, isFailureOfType } from '../domain/failures';

const HOUR = 3_600_000;
/** A monitor reports a log event after it happened, within its evaluation window (Datadog's longest common one). */
const SIGHTING_LAG_MS = 15 * 60_000;
/** Clock skew allowed the other way. */
const SIGHTING_LEAD_MS = 60_000;

/**
 * After the deploy, watches for the same error over VERIFY_WINDOW: the Datadog log events of the
 * window, plus sightings the webhook reports that no log event accounts for (the logs may lag or
 * be sampled). None means fixed; any means regressed. Rates before and after are recorded.
 */
export async function verifyInProduction(run: Run): Promise<Verification> {
  const { datadog } = run.act;
  const from = run.record.deployment!.at;
  // Sightings keep arriving meanwhile: a long window may continue as new and resume here.
  const until = run.waitStartedAt() + run.settings.verifyWindowMs;
  while (Date.now() < until) await run.wait(() => false, until - Date.now());
  const to = new Date().toISOString();

  let fromLogs: Occurrence[] = [];
  let logsUnavailable = false;
  try {
    const { identity } = run.input;
    const logs = await datadog.fetchOccurrenceLogs({
      identity,
      query: logsQueryFor(identity, run.record.alert),
      firstSeen: from,
      lastSeen: to,
      window: { from, to },
      ...(run.record.logs?.topFrames ? { topFrames: run.record.logs.topFrames } : {}),
    });
    fromLogs = logs.occurrences.filter((o) => Date.parse(o.at) >= Date.parse(from));
  } catch (err) {
    if (!isFailureOfType(err, DatadogFailureType.Auth)) throw err;
    logsUnavailable = true;
  }
  const fromWebhooks = run.ledger.since(from);
  const webhooksOnly = unaccountedSightings(fromWebhooks, fromLogs);
  const recurrences = fromLogs.length + webhooksOnly.length;
  const before = run.ledger.count - fromWebhooks.length;
  const spanBefore = Math.max(
    Date.parse(run.ledger.lastSeen || from) - Date.parse(run.ledger.firstSeen || from),
    5 * 60_000,
  );
  return {
    from,
    to,
    recurrences,
    fromLogs: fromLogs.length,
    fromWebhooksOnly: webhooksOnly.length,
    ...(logsUnavailable ? { logsUnavailable } : {}),
    samples: [...fromLogs, ...webhooksOnly].slice(0, 5),
    ratePerHourBefore: round((before / spanBefore) * HOUR),
    ratePerHourAfter: round((recurrences / Math.max(Date.parse(to) - Date.parse(from), 1)) * HOUR),
    verdict: recurrences === 0 ? 'verified-fixed' : 'regressed',
  };
}

/**
 * Webhook sightings that no log event accounts for. Both sources see the same production logs: a
 * sighting is the log event with its id, else an unclaimed one from up to SIGHTING_LAG_MS before it
 * (the monitor reports after the fact). Each log event accounts for one sighting at most.
 */
export function unaccountedSightings(sightings: Occurrence[], logs: Occurrence[]): Occurrence[] {
  const claimed = new Set<number>();
  const byId = new Map(logs.map((o, i) => [o.id, i]));
  const rest: Occurrence[] = [];
  for (const s of sightings) {
    const same = byId.get(s.id);
    if (same !== undefined && !claimed.has(same)) {
      claimed.add(same);
      continue;
    }
    const t = Date.parse(s.at);
    const near = logs.findIndex(
      (o, i) => !claimed.has(i) && Date.parse(o.at) >= t - SIGHTING_LAG_MS && Date.parse(o.at) <= t + SIGHTING_LEAD_MS,
    );
    if (near >= 0) claimed.add(near);
    else rest.push(s);
  }
  return rest;
}

const round = (n: number) => Math.round(n * 100) / 100;
