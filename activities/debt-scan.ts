import type { Client } from '@temporalio/client';
import type { Config } from '../infra/platform/config/load-config';
import type { DebtScan } from '../workflows/domain/debt';
import type { SlackMessageRef } from '../workflows/domain/types';
import { currentActivity } from './activity-context';
import { findDebt, type DebtFindings, type FindDebtRequest } from './claude/find-debt';
import { removeCheckout, type createGitActivities } from './git';
import { isFixRepository, scanRemote } from './git/scan-remote';
import type { SlackActivities } from './slack';
import { errorRunsInFiles } from './temporal/debt-error-runs';
import { previousDebtScan } from './temporal/previous-debt-scan';

/**
 * The technical-debt scan's activities, bound to this worker's configuration: which repository a name
 * means, where the Web UI is, which repository fix runs work on. activities/index.ts files them under
 * the systems they use (Claude Code, Slack, Temporal).
 */
export function debtScanActivities(
  config: Config,
  deps: { client: Client; prefix: string },
  git: ReturnType<typeof createGitActivities>,
  slack: SlackActivities,
) {
  const workflows = `${config.temporal.uiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows`;
  return {
    /** The scan's read-only session, in a checkout of its own of the repository's branch (DEBT_SCAN_REPOSITORIES). */
    async findDebt(input: FindDebtRequest & { runKey: string }): Promise<DebtFindings & { commit: string }> {
      const { runKey, ...request } = input;
      const ctx = currentActivity();
      const checkout = await git.cloneRepository(
        { runKey: `${runKey}-scan-${ctx?.info.attempt ?? 1}` },
        scanRemote(config, request.repository),
      );
      try {
        const found = await findDebt(
          config.claude,
          { dir: checkout.dir, request },
          ctx ? { signal: ctx.cancellationSignal, heartbeat: (info) => ctx.heartbeat(info) } : {},
        );
        return { ...found, commit: checkout.commit };
      } finally {
        await removeCheckout(checkout.dir);
      }
    },

    /** The scan's digest, with links to the Web UI; "Fix this" only where fix runs can work (GIT_REPO_URL's repository). */
    postDebtDigest({ scan, runId }: { scan: DebtScan; runId: string }): Promise<SlackMessageRef> {
      return slack.postDebtDigest({
        runId,
        view: {
          scan,
          scanUrl: `${workflows}/${encodeURIComponent(scan.workflowId)}/${encodeURIComponent(runId)}/history`,
          workflowUrl: (id) => `${workflows}/${encodeURIComponent(id)}`,
          fixable: isFixRepository(config, scan.repository),
        },
      });
    },

    previousDebtScan: (input: { repository: string; workflowId: string }) =>
      previousDebtScan(deps.client, deps.prefix, input),

    debtErrorRuns: (input: { service: string; files: string[]; now: string }) =>
      errorRunsInFiles(deps.client, deps.prefix, input),
  };
}
