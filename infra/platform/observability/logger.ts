/**
 * The service's logs: one pino logger per process. JSON lines for log shippers; readable lines on
 * a terminal (LOG_FORMAT, `auto` by default). Level from LOG_LEVEL (info by default; warn
 * silences the per-request lines).
 */
import { PinoPretty } from 'pino-pretty';
import { LOG_LEVELS, logFormatFrom, logLevelFrom, type LogFormat } from '../config/load-config';
import { pino, stdSerializers, stdTimeFunctions, type DestinationStream, type Level, type Logger } from 'pino';

export type { Logger } from 'pino';

const LEVELS: readonly string[] = LOG_LEVELS;

/** Whether lines should be readable rather than JSON: asked for, or `auto` on a terminal. */
export function prettyLogs(format: LogFormat, isTerminal: boolean): boolean {
  return format === 'pretty' || (format === 'auto' && isTerminal);
}

/** `HH:MM:ss level message key=value...`, synchronous (no worker thread), without pid and host. */
export function prettyStream(destination?: DestinationStream): DestinationStream {
  return PinoPretty({
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname',
    singleLine: true,
    sync: true,
    ...(destination ? { destination } : {}),
  });
}

export function createLogger(opts: { level?: string; destination?: DestinationStream; pretty?: boolean } = {}): Logger {
  const options = {
    // The process's logger exists before the configuration is loaded: the same check of LOG_LEVEL.
    level: opts.level ?? logLevelFrom(process.env),
    timestamp: stdTimeFunctions.isoTime,
    // "level":"info" rather than pino's numbers: what log pipelines and humans grep for.
    formatters: { level: (label: string) => ({ level: label }) },
    serializers: { err: stdSerializers.err, error: stdSerializers.err },
  };
  const pretty = opts.pretty ?? prettyLogs(logFormatFrom(process.env), Boolean(process.stdout.isTTY));
  if (pretty) return pino(options, prettyStream(opts.destination));
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
