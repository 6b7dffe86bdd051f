import { ConfigError } from './load-config';
import { parseDuration } from './duration';
import type { RollbackSettings } from '../../../workflows/domain/types';

/**
 * After a fix is deployed: how new errors it causes are answered (ROLLBACK_*), and how far back the
 * service's error rate is compared with the Datadog Metrics API (IMPACT_WINDOW; off: not measured).
 */
export interface RollbackConfig {
  rollback: RollbackSettings;
  impact?: { beforeMs: number };
}

type Env = Record<string, string | undefined>;

export const ROLLBACK_CONFIG_FALLBACK: RollbackConfig = {
  rollback: { policy: 'ask', merge: false, deploy: false, lookbackMs: 86_400_000, minJump: 5 },
  impact: { beforeMs: 3_600_000 },
};

/** The ROLLBACK_* and IMPACT_WINDOW variables, checked; every problem names its variable. */
export function rollbackConfigFrom(env: Env): RollbackConfig {
  const problems: string[] = [];
  const str = (name: string) => env[name]?.trim() || undefined;
  const onOff = (name: string): boolean => {
    const v = (str(name) ?? 'off').toLowerCase();
    if (v !== 'on' && v !== 'off') problems.push(`${name}=${JSON.stringify(v)}: expected on or off`);
    return v === 'on';
  };
  const duration = (name: string, fallback: string): number => {
    const raw = str(name) ?? fallback;
    const ms = parseDuration(raw);
    if (ms === undefined) problems.push(`${name}=${JSON.stringify(raw)}: expected a duration such as 30m, 24h, 7d`);
    return ms ?? 1;
  };

  const policy = (str('ROLLBACK_POLICY') ?? 'ask').toLowerCase();
  if (policy !== 'ask' && policy !== 'auto')
    problems.push(
      `ROLLBACK_POLICY=${JSON.stringify(policy)}: expected ask (a second approval) or auto (revert at once)`,
    );
  const rawJump = str('ROLLBACK_MIN_JUMP') ?? '5';
  const minJump = Number(rawJump);
  if (!Number.isInteger(minJump) || minJump < 1 || minJump > 1_000_000)
    problems.push(`ROLLBACK_MIN_JUMP=${JSON.stringify(rawJump)}: expected a whole number of occurrences, 1 or more`);
  const impactWindow = str('IMPACT_WINDOW') ?? '1h';

  const config: RollbackConfig = {
    rollback: {
      policy: policy === 'auto' ? 'auto' : 'ask',
      merge: onOff('ROLLBACK_MERGE'),
      deploy: onOff('ROLLBACK_DEPLOY'),
      lookbackMs: duration('ROLLBACK_LOOKBACK', '24h'),
      minJump: Number.isInteger(minJump) && minJump >= 1 ? minJump : 5,
    },
    ...(impactWindow.toLowerCase() === 'off' ? {} : { impact: { beforeMs: duration('IMPACT_WINDOW', '1h') } }),
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}
