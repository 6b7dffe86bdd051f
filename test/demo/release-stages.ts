/**
 * After approval: the pull request, its review and merge, the deployment and the check in
 * production. The demo plays the reviewer and the deploy system in the GitHub fake; the run
 * notices by polling GitHub's API, as it would in production without webhooks.
 */
import { reached, timeIn, waitForStatus, type DemoStage, type PipelineContext } from './context';
import { seconds } from './narrator';
import { impactLine } from '../../workflows/run-summary';

type Stage = DemoStage<PipelineContext>;

export const REVIEWER = 'demo-reviewer';

const pullRequest: Stage = {
  name: 'Pull request opened',
  covers: ['opening-pr'],
  async run(ctx) {
    const s = await waitForStatus(ctx, 'the pull request', (x) => x.pullRequest !== undefined, 60_000);
    const pr = s.pullRequest!;
    const fake = await ctx.fakes.github.pull(pr.number);
    return {
      summary: `#${pr.number} "${fake.title}" by ${pr.openedBy}`,
      details: [pr.url, `branch ${pr.branch} (head ${fake.head.sha.slice(0, 12)}) pushed to ${ctx.config.git.repoUrl}`],
      tookMs: timeIn(s, 'opening-pr'),
    };
  },
};

const reviewAndMerge: Stage = {
  name: 'Reviewed and merged',
  covers: ['awaiting-merge'],
  async run(ctx) {
    const { number } = (await waitForStatus(ctx, 'the pull request', (x) => reached(x, 'awaiting-merge'), 30_000))
      .pullRequest!;
    ctx.fakes.github.addReview(number, {
      user: REVIEWER,
      state: 'APPROVED',
      body: 'Looks good: guests get a label instead of a 500 at checkout.',
    });
    const merged = await ctx.fakes.github.mergePullRequest(number, { by: REVIEWER });
    const s = await waitForStatus(ctx, 'the run to see the merge', (x) => reached(x, 'awaiting-deploy'), 60_000);
    return {
      summary: `#${number} approved and merged by ${REVIEWER} (merge commit ${(merged.merge_commit_sha ?? '').slice(0, 12)})`,
      details: [
        `the demo played the reviewer in the GitHub fake; the run saw it by polling`,
        ...(s.review
          ? [
              `review recorded by the run: ${s.review.state.toLowerCase()} by ${s.review.user ?? '?'}: "${s.review.body}"`,
            ]
          : []),
      ],
      tookMs: timeIn(s, 'awaiting-merge'),
    };
  },
};

const deployed: Stage = {
  name: 'Deployed',
  covers: ['awaiting-deploy'],
  async run(ctx) {
    const before = await waitForStatus(
      ctx,
      'the merge commit',
      (x) => x.pullRequest?.mergeCommitSha !== undefined,
      30_000,
    );
    const sha = before.pullRequest!.mergeCommitSha!;
    const environment = ctx.config.github.deployEnvironment;
    ctx.fakes.github.createDeployment({ sha, environment, state: 'success', creator: 'demo-deployer' });
    const s = await waitForStatus(ctx, 'the run to see the deployment', (x) => reached(x, 'verifying'), 60_000);
    return {
      summary: `${sha.slice(0, 12)} to ${environment}: deployment ${s.deployment?.id ?? '?'} succeeded`,
      details: ['the demo played the deploy system (a GitHub deployment with status success)'],
      tookMs: timeIn(s, 'awaiting-deploy'),
    };
  },
};

const verified: Stage = {
  name: 'Verified in production',
  covers: ['verifying', 'verified-fixed', 'regressed'],
  async run(ctx) {
    const s = await waitForStatus(
      ctx,
      'the verification',
      // The before/after figures follow the verdict, in the same stage.
      (x) => x.verification !== undefined && (x.impact !== undefined || x.stage !== 'verifying'),
      ctx.config.tracking.verifyWindowMs + 60_000,
    );
    const v = s.verification!;
    const window = seconds(Date.parse(v.to) - Date.parse(v.from));
    return {
      summary: `${v.verdict}: ${v.recurrences} occurrence(s) of this error in the ${window} after the deploy`,
      details: [
        `rate before ${v.ratePerHourBefore}/h, after ${v.ratePerHourAfter}/h (Datadog logs and webhook sightings)`,
        ...(s.impact ? [impactLine(s.impact)] : []),
      ],
      tookMs: timeIn(s, 'verifying'),
    };
  },
};

export const releaseStages: Stage[] = [pullRequest, reviewAndMerge, deployed, verified];
