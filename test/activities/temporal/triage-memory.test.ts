import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, type E2E } from '../../support/e2e';
import { recordTriageExample, triageExamples } from '../../../activities/temporal/triage-memory';
import { classifyError } from '../../../activities/claude/classify-error';
import { startAnthropicFake } from '../../fakes/anthropic-fake';
import { triageTurns } from '../../fakes/scripted-triage';

/** The team's corrections, kept by a real Temporal run per service, and what they change. */
let e: E2E;
beforeAll(async () => {
  e = await startE2E();
});
afterAll(async () => {
  const { client, config } = e.pipeline;
  await client.workflow
    .getHandle(`${config.temporal.workflowIdPrefix}-triage-checkout`)
    .terminate('test over')
    .catch(() => undefined);
  await e.close();
});

describe('the triage memory', () => {
  it('keeps corrections durably per service, newest first, and the next classification follows them', async () => {
    const { client, config } = e.pipeline;
    const opts = {
      prefix: config.temporal.workflowIdPrefix,
      taskQueue: config.temporal.taskQueue,
      service: 'checkout',
    };
    expect(await triageExamples(client, opts.prefix, 'checkout')).toEqual([]);

    const missing = (note: string) => ({
      errorType: 'Error',
      message: 'Error: PAYMENTS_URL is not set',
      category: 'configuration' as const,
      fixableByCode: false,
      note,
    });
    await recordTriageExample(client, opts, missing('first word'));
    await recordTriageExample(client, opts, {
      errorType: 'TypeError',
      message: "TypeError: Cannot read properties of undefined (reading 'id')",
      category: 'code-defect',
      fixableByCode: true,
    });
    await recordTriageExample(client, opts, missing('set it in the deploy config'));
    const examples = await triageExamples(client, opts.prefix, 'checkout');
    expect(examples.map((x) => x.note ?? x.category)).toEqual(['set it in the deploy config', 'code-defect']);
    expect(await triageExamples(client, opts.prefix, 'another-service')).toEqual([]);

    const fake = await startAnthropicFake(triageTurns(), { byConversation: true });
    try {
      const t = await classifyError(
        { ...config.claude, anthropicBaseUrl: fake.url, triageModel: 'haiku' },
        {
          identity: {
            fingerprint: 'f2',
            service: 'checkout',
            errorType: 'Error',
            normalizedMessage: '<str> is not set',
            topFrames: [],
            language: 'node',
          },
          message: 'Error: FEATURE_X_URL is not set',
          signals: { occurrences: 3, ratePerMinute: 1, usersAffected: 2, firstSeen: 't0', lastSeen: 't1' },
          examples,
        },
      );
      expect(t).toMatchObject({ category: 'configuration', examplesUsed: 2 });
    } finally {
      await fake.close();
    }
  }, 120_000);
});
