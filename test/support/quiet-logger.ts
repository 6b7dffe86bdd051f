import type { Logger } from '@temporalio/common';

/** Keeps the SDK's info chatter out of test output; warnings and errors still show. */
export const quietLogger: Logger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message, meta) => console.warn(message, meta ?? ''),
  error: (message, meta) => console.error(message, meta ?? ''),
};
