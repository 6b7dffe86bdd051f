import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSettings } from '../../../api/datadog/webhook-route';
import { fingerprintError, workflowIdFor } from '../../../workflows/domain/identity/fingerprint';
import { legacyFingerprint } from '../../../workflows/domain/identity/legacy-fingerprint';
import type { RunStatus } from '../../../workflows/domain/run-status';
import { sampleStackTrace } from '../../fakes/scripted-fix';
import { alertPayload, closeTerminatingRuns, startE2E, SERVICE, type E2E } from '../../support/e2e';

interface Accepted {
  workflows: { workflowId: string; fingerprint: string; occurrences: number; legacyFingerprint?: boolean }[];
}

describe('one run per error whatever the webhook carries', () => {
  let e: E2E;
  beforeAll(async () => {
    // Logs answer slowly, so the runs stay in their first step while the test looks at them.
    e = await startE2E({ datadog: { latencyMs: 20_000 } });
  });
  afterAll(() => closeTerminatingRuns(e));
  const send = async (payload: object) => {
    const res = await e.sendAlert(payload);
    expect(res.status).toBe(202);
    return ((await res.json()) as Accepted).workflows;
  };

  it('a row with the stack (custom payload) and a row without it (log monitor) signal the same run', async () => {
    const [withStack] = await send(alertPayload({ id: 'evt-id-stack', message: sampleStackTrace }));
    const [without] = await send(alertPayload({ id: 'evt-id-nostack' }));
    expect(without!.workflowId).toBe(withStack!.workflowId);
    const s = await e.waitFor(withStack!.workflowId, (st: RunStatus) => st.occurrences >= 2, 30_000);
    expect(s.occurrences).toBe(2);
  }, 60_000);

  it('a run started under the old fingerprint keeps receiving its error until it ends', async () => {
    const { config, client } = e.pipeline;
    const message = `RangeError: Invalid time value\n    at formatDate (/app/src/dates.ts:8:11)`;
    const old = { service: SERVICE, message: 'RangeError: Invalid time value', stack: message };
    const identity = { ...fingerprintError(old), fingerprint: legacyFingerprint(old) };
    const legacyId = workflowIdFor(identity, config.temporal.workflowIdPrefix);
    expect(legacyId).not.toBe(workflowIdFor(fingerprintError(old), config.temporal.workflowIdPrefix));
    await client.workflow.start('bugfixWorkflow', {
      workflowId: legacyId,
      taskQueue: config.temporal.taskQueue,
      args: [{ identity, settings: runSettings(config) }],
    });

    const routed = await send(alertPayload({ id: 'evt-legacy-1', message }));
    expect(routed).toMatchObject([{ workflowId: legacyId, legacyFingerprint: true, occurrences: 1 }]);
    expect((await e.waitFor(legacyId, (st: RunStatus) => st.occurrences >= 1, 30_000)).occurrences).toBe(1);

    // Once it has ended, the error gets a run under its new identity.
    await client.workflow.getHandle(legacyId).terminate('ended');
    const after = await send(alertPayload({ id: 'evt-legacy-2', message }));
    expect(after).toHaveLength(1);
    expect(after[0]!.workflowId).toBe(workflowIdFor(fingerprintError(old), config.temporal.workflowIdPrefix));
    expect(after[0]!.legacyFingerprint).toBeUndefined();
  }, 60_000);
});
