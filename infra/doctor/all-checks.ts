import type { DoctorCheck } from './check';
import { temporalChecks } from './temporal-checks';
import { slackChecks } from './slack-checks';
import { datadogChecks } from './datadog-checks';
import { gitChecks } from './git-checks';
import { githubChecks } from './github-checks';
import { cursorChecks } from './cursor-checks';
import { claudeChecks } from './claude-checks';
import { hostChecks } from './host-checks';

/** Every check, in the order of the report: the pipeline's own path from alert to fix. */
export function allChecks(): DoctorCheck[] {
  return [
    ...temporalChecks(),
    ...slackChecks(),
    ...datadogChecks(),
    ...gitChecks(),
    ...githubChecks(),
    ...cursorChecks(),
    ...claudeChecks(),
    ...hostChecks(),
  ];
}
