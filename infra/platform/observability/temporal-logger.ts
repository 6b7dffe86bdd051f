import type { Logger as TemporalLogger, LogLevel, LogMetadata } from '@temporalio/common';
import { rootLogger, type Logger } from './logger';

const METHOD = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * The Temporal Runtime's logger, written through pino. Workflow and activity logs
 * (`log` from @temporalio/workflow and @temporalio/activity) arrive with their
 * metadata — workflowId, runId, activityType, taskQueue, sdkComponent — and those
 * become fields of the JSON line.
 */
export function temporalLogger(logger: Logger = rootLogger()): TemporalLogger {
  const log = (level: LogLevel, message: string, meta?: LogMetadata): void => {
    const method = METHOD[level] ?? 'info';
    if (!logger.isLevelEnabled(method)) return;
    logger[method](fields(meta), message);
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}

/** For the workflow bundler: its report is noise to a person starting the service; warnings and errors still show. */
export function bundlerLogger(logger: Logger = rootLogger()): TemporalLogger {
  const full = temporalLogger(logger);
  const silent = () => undefined;
  return {
    ...full,
    log: (level, message, meta) => (level === 'WARN' || level === 'ERROR' ? full.log(level, message, meta) : undefined),
    trace: silent,
    debug: silent,
    info: silent,
  };
}

/**
 * String keys only: the SDK puts its own timestamp under a symbol, as a bigint that JSON cannot hold.
 * The activity task token is left out: a long opaque blob that would let a reader complete the activity.
 */
function fields(meta?: LogMetadata): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!meta) return out;
  for (const key of Object.keys(meta)) {
    if (key === 'taskToken') continue;
    const value: unknown = meta[key];
    out[key] = typeof value === 'bigint' ? value.toString() : value;
  }
  return out;
}
