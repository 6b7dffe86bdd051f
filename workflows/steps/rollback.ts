import { isCancellation, workflowInfo } from '@temporalio/workflow';
import type { Run } from '../run-state';
import type { DeploymentRef, Rollback } from '../domain/types';
import type { FixImpact, NewError } from '../domain/impact';
import { pollUntil } from '../poll';
import { causeMessage, DatadogFailureType, isFailureOfType } from '../domain/failures';
import { waitForDeployment, waitForMerge } from './track-release';

/**
 * New errors of the service, first seen after the fix's deploy, that the fix is held to have
 * caused: their stack runs through a file the fix changed, or they burst right after the deploy.
 */
export async function causedErrors(run: Run): Promise<NewError[]> {
  const { record: r, settings } = run;
  // Logs that cannot be searched (a key without the scope, a query Datadog refuses) cost the watch, not the verdict.
  const found = await run.act.datadog
    .findNewErrors({
      service: run.input.identity.service,
      deployedAt: r.deployment!.at,
      to: r.verification!.to,
      lookbackMs: settings.rollback!.lookbackMs,
      changedFiles: r.fix?.filesTouched ?? [],
      excludeFingerprint: run.input.identity.fingerprint,
      minJump: settings.rollback!.minJump,
    })
    .catch((err: unknown) => {
      const refused = [DatadogFailureType.Auth, DatadogFailureType.BadRequest].some((t) => isFailureOfType(err, t));
      if (isCancellation(err) || !refused) throw err;
      r.notes.push(`New errors after the deploy were not looked for: ${causeMessage(err)}`);
      return undefined;
    });
  if (!found) return [];
  if (found.truncated)
    r.notes.push(
      `The search for new errors after the deploy hit its limit (${found.scanned.after} events after, ${found.scanned.before} before): an older error may have been taken for a new one.`,
    );
  return found.newErrors.filter((e) => e.attributedBy.length > 0);
}

/** The service's error rate and latency around the deploy; a metrics outage costs the figures, never the run. */
export async function measureImpact(run: Run): Promise<FixImpact | undefined> {
  const { record: r, settings } = run;
  try {
    return await run.act.datadog.measureFixImpact({
      service: run.input.identity.service,
      deployedAt: r.deployment!.at,
      to: r.verification!.to,
      beforeMs: settings.impact!.beforeMs,
    });
  } catch (err) {
    if (isCancellation(err)) throw err;
    r.notes.push(`No before/after figures from the Datadog Metrics API: ${causeMessage(err)}`);
    return undefined;
  }
}

/**
 * Follows an open revert to production: merged (by the pipeline under ROLLBACK_MERGE), deployed
 * (the revert's merge, or under ROLLBACK_DEPLOY a deployment of the commit before the fix), and,
 * when the fix had caused new errors, watched until VERIFY_WINDOW says whether they stopped.
 * Returns the rollback as far as it got; `advance` moves the run's stage.
 */
export async function trackRollback(run: Run, rollback: Rollback, advance: (s: 'verifying-revert') => Promise<void>) {
  const { record: r, settings } = run;
  const { github } = run.act;
  const revert = r.revertPullRequest!;
  const options = settings.rollback!;
  const say = (text: string, dedupeKey: string) => run.act.slack.replyInThread({ ref: r.slack!, text, dedupeKey });

  if (!rollback.merged) {
    if (options.merge) {
      try {
        await github.mergePullRequest({
          number: revert.number,
          commitTitle: `Revert #${r.pullRequest!.number} (automatic rollback)`,
        });
      } catch (err) {
        if (isCancellation(err)) throw err;
        await say(
          `The revert pull request could not be merged automatically (${causeMessage(err)}): it waits for a person to merge it.`,
          'rollback-merge-failed',
        );
      }
    }
    const merge = await waitForMerge(run, () => undefined, revert);
    r.revertPullRequest = merge.pullRequest;
    if (merge.outcome !== 'merged') return rollback;
    const pr = merge.pullRequest;
    rollback.merged = { sha: pr.mergeCommitSha!, at: pr.mergedAt!, by: pr.mergedBy ?? 'unknown' };
  }

  if (!rollback.deployment) {
    const deployment = options.deploy
      ? await deployPreviousCommit(run)
      : await waitForDeployment(run, rollback.merged.sha);
    if (!deployment) return rollback;
    rollback.deployment = deployment;
    await say(
      `Rollback deployed to ${deployment.environment}: ${deployment.sha.slice(0, 12)}${deployment.url ? ` (${deployment.url})` : ''}.`,
      'rollback-deployed',
    );
  }

  if (!r.causedErrors?.length) return rollback;
  if (r.stage !== 'verifying-revert') await advance('verifying-revert');
  const until = run.waitStartedAt() + settings.verifyWindowMs;
  while (Date.now() < until) await run.wait(() => false, until - Date.now());
  const after = await run.act.datadog.findNewErrors({
    service: run.input.identity.service,
    deployedAt: r.deployment!.at,
    to: new Date().toISOString(),
    lookbackMs: options.lookbackMs,
    changedFiles: [],
    excludeFingerprint: run.input.identity.fingerprint,
    minJump: options.minJump,
  });
  const since = Date.parse(rollback.deployment.at);
  const caused = new Set(r.causedErrors.map((e) => e.fingerprint));
  const stillSeen = after.newErrors.filter((e) => caused.has(e.fingerprint) && Date.parse(e.lastSeen) > since);
  rollback.verified = {
    at: new Date().toISOString(),
    stopped: stillSeen.length === 0,
    stillSeen: stillSeen.map((e) => e.fingerprint),
  };
  return rollback;
}

/** A deployment of the commit the fix was made on, asked of GitHub, and followed to success. */
async function deployPreviousCommit(run: Run): Promise<DeploymentRef | undefined> {
  const { github } = run.act;
  const { record: r, settings } = run;
  const sha = r.fix!.baseCommit;
  const { id } = await github.createDeployment({
    sha,
    environment: settings.deployEnvironment,
    description: `Rollback of #${r.pullRequest!.number}: the fix caused new errors`,
    // One rollback deployment per run and pull request, however often the activity is retried.
    key: `${workflowInfo().workflowId}#${r.pullRequest!.number}`,
  });
  return pollUntil(run, settings.deployTimeoutMs, async () => {
    const d = await github.getDeployment({ id });
    return d.state === 'success'
      ? { id, environment: d.environment, sha, at: d.at ?? new Date().toISOString(), ...(d.url ? { url: d.url } : {}) }
      : undefined;
  });
}
