/**
 * The service's JSON logs: one pino logger per process, one JSON line per event,
 * level from LOG_LEVEL (info by default; warn silences the per-request lines).
 */
import { LOG_LEVELS, logLevelFrom } from '../config/load-config';
import { pino, stdSerializers, stdTimeFunctions, type DestinationStream, type Level, type Logger } from 'pino';

export type { Logger } from 'pino';

const LEVELS: readonly string[] = LOG_LEVELS;

export function createLogger(opts: { level?: string; destination?: DestinationStream } = {}): Logger {
  const options = {
    // The process's logger exists before the configuration is loaded: the same check of LOG_LEVEL.
    level: opts.level ?? logLevelFrom(process.env),
    timestamp: stdTimeFunctions.isoTime,
    // "level":"info" rather than pino's numbers: what log pipelines and humans grep for.
    formatters: { level: (label: string) => ({ level: label }) },
    serializers: { err: stdSerializers.err, error: stdSerializers.err },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

let root: Logger | undefined;

/** The process's logger, created on first use so that LOG_LEVEL set before it (the demo, the tests) is honoured. */
export function rootLogger(): Logger {
  return (root ??= createLogger());
}

/** The ingress's call shape: `log({ msg, ...fields })`; an optional `level` field picks the level (info by default). */
export type LogFn = (entry: Record<string, unknown>) => void;

export function entryLogger(logger: Logger = rootLogger()): LogFn {
  return ({ msg, level, ...fields }) => {
    const method: Level = typeof level === 'string' && isLevel(level) ? level : 'info';
    if (typeof msg === 'string') logger[method](fields, msg);
    else logger[method](fields);
  };
}

function isLevel(level: string): level is Level {
  return level !== 'silent' && LEVELS.includes(level);
}
