import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // One real Temporal dev server serves every file; files run in parallel
    // against it, each on its own task queue.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: true,
    maxWorkers: 2,
    env: { LOG_LEVEL: 'warn' },
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
