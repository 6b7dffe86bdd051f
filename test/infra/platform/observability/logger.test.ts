import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LogTimestamp } from '@temporalio/worker';
import { createLogger, entryLogger, prettyLogs } from '../../../../infra/platform/observability/logger';
import { bundlerLogger, temporalLogger } from '../../../../infra/platform/observability/temporal-logger';

/** A pino destination that keeps the JSON lines it is given. */
function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level,
    pretty: false,
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return { logger, lines };
}

describe('the Temporal Runtime logger backed by pino', () => {
  it('writes one JSON line per SDK log with the workflow and activity ids from its metadata', () => {
    const { logger, lines } = capture('info');
    const log = temporalLogger(logger);
    log.info('Activity completed', {
      sdkComponent: 'activity',
      workflowId: 'bugfix-shop-api-abc123',
      workflowRunId: 'run-1',
      activityType: 'proposeFix',
      taskQueue: 'bugfix-pipeline',
      attempt: 2,
      taskToken: 'CiQwMWEyMTQ1Yi02NzMxLTc1MzUt',
      [LogTimestamp]: 1_700_000_000_000_000_000n,
    });
    log.log('WARN', 'run failed', { workflowId: 'bugfix-shop-api-abc123', runId: 'run-1', stage: 'cloning' });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: 'info',
      msg: 'Activity completed',
      workflowId: 'bugfix-shop-api-abc123',
      workflowRunId: 'run-1',
      activityType: 'proposeFix',
      attempt: 2,
      sdkComponent: 'activity',
    });
    expect(typeof lines[0]!.time).toBe('string');
    expect(lines[0]).not.toHaveProperty('taskToken');
    expect(lines[1]).toMatchObject({
      level: 'warn',
      msg: 'run failed',
      workflowId: 'bugfix-shop-api-abc123',
      runId: 'run-1',
      stage: 'cloning',
    });
  });

  it('drops what is below the level and serialises errors', () => {
    const { logger, lines } = capture('warn');
    const log = temporalLogger(logger);
    log.debug('noise');
    log.info('Workflow bundle created');
    log.error('Activity failed', { activityType: 'cloneRepository', error: new Error('clone refused') });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'error',
      msg: 'Activity failed',
      activityType: 'cloneRepository',
      error: { type: 'Error', message: 'clone refused' },
    });
    expect(String((lines[0]!.error as { stack: string }).stack)).toContain('clone refused');
  });
});

describe('the ingress log call shape log({ msg, ...fields })', () => {
  it('keeps the fields, logs at info unless told otherwise, and is silenced by warn', () => {
    const info = capture('info');
    entryLogger(info.logger)({ msg: 'alert accepted', deliveryId: 'evt-1', workflows: ['bugfix-shop-api-abc'] });
    entryLogger(info.logger)({ msg: 'interaction failed', level: 'error', error: 'boom' });
    expect(info.lines).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'alert accepted',
        deliveryId: 'evt-1',
        workflows: ['bugfix-shop-api-abc'],
      }),
      expect.objectContaining({ level: 'error', msg: 'interaction failed', error: 'boom' }),
    ]);

    const warn = capture('warn');
    entryLogger(warn.logger)({ msg: 'alert accepted', deliveryId: 'evt-1' });
    expect(warn.lines).toEqual([]);
  });
});

describe('what a person sees', () => {
  it('readable lines on a terminal (or when asked), JSON otherwise', () => {
    expect(prettyLogs('auto', true)).toBe(true);
    expect(prettyLogs('auto', false)).toBe(false);
    expect(prettyLogs('json', true)).toBe(false);
    expect(prettyLogs('pretty', false)).toBe(true);
    const out: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        out.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ level: 'info', pretty: true, destination });
    entryLogger(logger)({ msg: 'alert accepted', deliveryId: 'evt-1' });
    expect(out.join('')).toMatch(/^\[\d{2}:\d{2}:\d{2}\] INFO: alert accepted \{"deliveryId":"evt-1"\}\n$/);
  });

  it("the workflow bundler's report stays out; its warnings and errors do not", () => {
    const { logger, lines } = capture('info');
    const log = bundlerLogger(logger);
    log.info('Workflow bundle created', { size: '1.8MB' });
    log.log('INFO', 'asset workflow-bundle.js 1.8 MiB');
    log.warn('Module not found, ignored', { module: 'x' });
    log.error('Bundle failed');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'Module not found, ignored'],
      ['error', 'Bundle failed'],
    ]);
  });
});
