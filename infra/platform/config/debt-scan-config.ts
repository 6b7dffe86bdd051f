import { ConfigError } from './load-config';
import { MAX_TOP_N } from '../../../workflows/domain/debt';

/** A repository the debt scans look at. */
export interface DebtScanRepository {
  /** In the schedule id; also the service its fix runs are filed under (as Datadog names it). */
  name: string;
  url: string;
  branch: string;
}

/**
 * Scheduled technical-debt scans (DEBT_SCAN*) and the weekly report digest (REPORT_DIGEST_CRON): the
 * schedules infra/temporal/schedules.ts keeps in Temporal.
 */
export interface ScheduleConfig {
  debtScan: { enabled: boolean; cron: string; topN: number; repositories: DebtScanRepository[] };
  reportDigest: { cron: string };
}

type Env = Record<string, string | undefined>;

export const DEFAULT_DEBT_SCAN_CRON = '0 9 * * 1';
export const DEFAULT_REPORT_DIGEST_CRON = '0 9 * * 1';

/** The DEBT_SCAN* and REPORT_DIGEST_CRON variables, checked; every problem is reported with its variable. */
export function scheduleConfigFrom(env: Env, git: { repoUrl?: string; branch: string }): ScheduleConfig {
  const problems: string[] = [];
  const str = (name: string) => env[name]?.trim() || undefined;
  const cron = (name: string, fallback: string) => {
    const value = str(name) ?? fallback;
    const why = cronProblem(value);
    if (why) problems.push(`${name}=${JSON.stringify(value)}: ${why}`);
    return value;
  };

  const switchValue = (str('DEBT_SCAN') ?? 'on').toLowerCase();
  if (switchValue !== 'on' && switchValue !== 'off')
    problems.push(`DEBT_SCAN=${JSON.stringify(str('DEBT_SCAN'))}: expected on or off`);

  const topRaw = str('DEBT_SCAN_TOP_N');
  let topN = 10;
  if (topRaw !== undefined) {
    const n = Number(topRaw);
    if (Number.isInteger(n) && n >= 1 && n <= MAX_TOP_N) topN = n;
    else problems.push(`DEBT_SCAN_TOP_N=${JSON.stringify(topRaw)}: expected an integer from 1 to ${MAX_TOP_N}`);
  }

  const repositories: DebtScanRepository[] = [];
  const listed = str('DEBT_SCAN_REPOSITORIES');
  if (listed) {
    for (const entry of listed
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean)) {
      const parsed = repositoryEntry(entry, git.branch);
      if (typeof parsed === 'string') problems.push(`DEBT_SCAN_REPOSITORIES: ${JSON.stringify(entry)}: ${parsed}`);
      else if (repositories.some((r) => r.name === parsed.name))
        problems.push(`DEBT_SCAN_REPOSITORIES: the name "${parsed.name}" is used twice (give one a name=url)`);
      else repositories.push(parsed);
    }
  } else if (git.repoUrl) {
    const name = repositoryName(git.repoUrl);
    if (name) repositories.push({ name, url: git.repoUrl, branch: git.branch });
  }

  const config: ScheduleConfig = {
    debtScan: {
      enabled: switchValue !== 'off',
      cron: cron('DEBT_SCAN_CRON', DEFAULT_DEBT_SCAN_CRON),
      topN,
      repositories,
    },
    reportDigest: { cron: cron('REPORT_DIGEST_CRON', DEFAULT_REPORT_DIGEST_CRON) },
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}

export const SCHEDULE_CONFIG_FALLBACK: ScheduleConfig = {
  debtScan: { enabled: false, cron: DEFAULT_DEBT_SCAN_CRON, topN: 10, repositories: [] },
  reportDigest: { cron: DEFAULT_REPORT_DIGEST_CRON },
};

const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/** `[name=]url[#branch]`: the name defaults to the URL's last path segment. */
function repositoryEntry(entry: string, defaultBranch: string): DebtScanRepository | string {
  const eq = entry.indexOf('=');
  const named = eq > 0 && !entry.slice(0, eq).includes('/') ? entry.slice(0, eq).trim() : undefined;
  const rest = named !== undefined ? entry.slice(eq + 1).trim() : entry;
  const hash = rest.lastIndexOf('#');
  const url = hash > 0 ? rest.slice(0, hash) : rest;
  const branch = hash > 0 ? rest.slice(hash + 1).trim() : defaultBranch;
  if (!/^https?:\/\/[^\s/]+\/\S+$/i.test(url)) return 'expected [name=]https-clone-url[#branch]';
  if (!branch) return 'the branch after # is empty';
  const name = named ?? repositoryName(url);
  if (!name || !NAME.test(name))
    return `the name ${JSON.stringify(name ?? '')} must be lowercase letters, digits, dots, dashes or underscores`;
  return { name, url, branch };
}

/** `https://git.example/acme/Shop-API.git` → `shop-api`. */
export function repositoryName(url: string): string | undefined {
  const last = url
    .replace(/[?#].*$/, '')
    .replace(/\/+$/, '')
    .split('/')
    .pop();
  const name = last
    ?.replace(/\.git$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '');
  return name ? name.slice(0, 63) : undefined;
}

const CRON_MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly']);
const CRON_FIELD =
  /^(?:\*|\?|[0-9A-Za-z]+(?:-[0-9A-Za-z]+)?)(?:\/\d+)?(?:,(?:\*|[0-9A-Za-z]+(?:-[0-9A-Za-z]+)?)(?:\/\d+)?)*$/;

/** Why Temporal would refuse this cron string, as far as its shape tells; undefined when it looks right. */
export function cronProblem(value: string): string | undefined {
  const expr = value.replace(/^CRON_TZ=\S+\s+/, '').trim();
  if (CRON_MACROS.has(expr.toLowerCase())) return undefined;
  const fields = expr.split(/\s+/);
  if (fields.length !== 5)
    return 'expected five cron fields (minute hour day-of-month month day-of-week), e.g. "0 9 * * 1", or @weekly';
  const bad = fields.find((f) => !CRON_FIELD.test(f));
  return bad ? `"${bad}" is not a cron field` : undefined;
}
