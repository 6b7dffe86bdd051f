import { ApplicationFailure } from '@temporalio/common';
import { DatadogFailureType } from '../../workflows/domain/failures';

/** Datadog's limit on a tag (key, colon and value). */
const MAX_TAG_LENGTH = 200;

/**
 * A service name as Datadog stores it in the `service` tag, safe to put in a metric query's scope or
 * a log search. Datadog lowercases tags and turns every character other than letters, digits,
 * `_ - : . /` into `_` at intake; doing the same here queries the tag Datadog actually holds, and
 * leaves nothing that could end the scope early (`}`, `,`), widen it (`*`) or add terms (spaces).
 * The name comes from production data, so one that cannot be a tag fails the activity: non-retryable.
 */
export function serviceTagValue(service: string): string {
  const value = service
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\-:./]/gu, '_');
  if (!/[\p{L}\p{N}]/u.test(value) || `service:${value}`.length > MAX_TAG_LENGTH) {
    throw ApplicationFailure.create({
      message: `Service ${JSON.stringify(service.slice(0, 100))} cannot be a Datadog service tag (letters or digits, at most ${MAX_TAG_LENGTH - 8} characters)`,
      type: DatadogFailureType.BadRequest,
      nonRetryable: true,
    });
  }
  return value;
}

/** A metric query template (`sum:trace.http.request.errors{service:{service}}.as_count()`) for one service. */
export function metricQueryFor(template: string, service: string): string {
  const value = serviceTagValue(service);
  return template.replaceAll('{service}', () => value);
}

/**
 * The log search term for a service. Values with characters the log search syntax treats as special
 * (`:` and `/` may be in a tag) are quoted; the tag value holds no quote or backslash to escape.
 */
export function logServiceTerm(service: string): string {
  const value = serviceTagValue(service);
  return /^[\p{L}\p{N}_.-]+$/u.test(value) ? `service:${value}` : `service:"${value}"`;
}
