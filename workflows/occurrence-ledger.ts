import type { LedgerSnapshot, Occurrence, OccurrenceBatch } from './domain/types';

const MAX_SAMPLES = 5;
const MAX_REMEMBERED_DELIVERIES = 5000;
const MAX_RECENT = 2000;

/** Kept across continue-as-new: enough to tell Datadog's retries from new deliveries, and recent sightings. */
const CARRIED_DELIVERIES = 1000;
const CARRIED_RECENT = 500;

/** Occurrence bookkeeping: exact counts, first/last seen, a few samples; a repeated delivery counts once. */
export class OccurrenceLedger {
  count = 0;
  firstSeen = '';
  lastSeen = '';
  message = '';
  readonly urls: string[] = [];
  readonly userIds: string[] = [];
  readonly traceIds: string[] = [];
  readonly examples: Occurrence[] = [];
  /** The latest sightings (bounded), so verification can count those after a deploy whenever they arrived. */
  private readonly recent: Occurrence[] = [];
  private readonly seen = new Set<string>();
  private readonly order: string[] = [];

  /** Returns false when this delivery was already counted (Datadog retried it). */
  add(batch: OccurrenceBatch): boolean {
    if (this.seen.has(batch.deliveryId)) return false;
    this.seen.add(batch.deliveryId);
    this.order.push(batch.deliveryId);
    if (this.order.length > MAX_REMEMBERED_DELIVERIES) this.seen.delete(this.order.shift()!);
    for (const o of batch.occurrences) this.addOccurrence(o);
    return true;
  }

  snapshot(): LedgerSnapshot {
    const { count, firstSeen, lastSeen, message, urls, userIds, traceIds, examples } = this;
    return {
      count,
      firstSeen,
      lastSeen,
      message,
      urls,
      userIds,
      traceIds,
      examples,
      recent: this.recent.slice(-CARRIED_RECENT),
      deliveries: this.order.slice(-CARRIED_DELIVERIES),
    };
  }

  static restore(s: LedgerSnapshot): OccurrenceLedger {
    const ledger = new OccurrenceLedger();
    Object.assign(ledger, { count: s.count, firstSeen: s.firstSeen, lastSeen: s.lastSeen, message: s.message });
    ledger.urls.push(...s.urls);
    ledger.userIds.push(...s.userIds);
    ledger.traceIds.push(...s.traceIds);
    ledger.examples.push(...s.examples);
    ledger.recent.push(...s.recent);
    for (const id of s.deliveries) {
      ledger.seen.add(id);
      ledger.order.push(id);
    }
    return ledger;
  }

  /** Folds in details found later (from the logs) without counting them as new sightings. */
  enrich(occurrences: Occurrence[]): void {
    for (const o of occurrences) this.sample(o);
  }

  /** Sightings at or after `from` among the latest MAX_RECENT, oldest first. */
  since(from: string): Occurrence[] {
    const t = Date.parse(from);
    return this.recent.filter((o) => Date.parse(o.at) >= t);
  }

  private addOccurrence(o: Occurrence): void {
    this.count++;
    this.recent.push({ id: o.id, at: o.at, message: o.message, ...(o.url ? { url: o.url } : {}) });
    if (this.recent.length > MAX_RECENT) this.recent.shift();
    if (!this.firstSeen || o.at < this.firstSeen) this.firstSeen = o.at;
    if (!this.lastSeen || o.at > this.lastSeen) this.lastSeen = o.at;
    if (!this.message) this.message = o.message;
    this.sample(o);
  }

  private sample(o: Occurrence): void {
    pushUnique(this.urls, o.url);
    pushUnique(this.userIds, o.userId);
    pushUnique(this.traceIds, o.traceId);
    const known = this.examples.find((e) => e.id === o.id);
    if (known) Object.assign(known, { ...o, ...known, stack: known.stack ?? o.stack });
    else if (this.examples.length < MAX_SAMPLES) this.examples.push({ ...o });
  }
}

function pushUnique(list: string[], value: string | undefined): void {
  if (value && !list.includes(value) && list.length < MAX_SAMPLES) list.push(value);
}
