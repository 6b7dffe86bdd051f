import type { AlertContext, ErrorIdentity } from './domain/types';

/** Datadog's log search for this error: the monitor's own log query when it has one, else the service's errors. */
export function logsQueryFor(identity: ErrorIdentity, alert?: AlertContext): string {
  const monitorQuery = alert?.query ? /logs\(\s*"((?:[^"\\]|\\.)*)"\s*\)/.exec(alert.query)?.[1] : undefined;
  return monitorQuery ? monitorQuery.replace(/\\"/g, '"') : `service:${identity.service} status:error`;
}
