/**
 * Imported first by run-demo.ts: the API reads LOG_LEVEL when its module loads, and the
 * narrated run is easier to follow without its JSON log lines. An explicit LOG_LEVEL wins.
 */
process.env.LOG_LEVEL ??= 'warn';
