import type { Occurrence, OccurrenceBatch } from './domain/types';

const MAX_SAMPLES = 5;
const MAX_REMEMBERED_DELIVERIES = 5000;
const MAX_RECENT = 2000;

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
