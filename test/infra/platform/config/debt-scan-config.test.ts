import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cronProblem, repositoryName, scheduleConfigFrom } from '../../../../infra/platform/config/debt-scan-config';
import { ConfigError, loadConfig } from '../../../../infra/platform/config/load-config';
import { repoRoot } from '../../../../infra/platform/config/read-config';

const git = { repoUrl: 'https://github.com/acme/Shop-API.git', branch: 'main' };
const problemsOf = (env: Record<string, string>): string[] => {
  try {
    scheduleConfigFrom(env, git);
    return [];
  } catch (err) {
    return err instanceof ConfigError ? err.problems : [String(err)];
  }
};

describe('scheduleConfigFrom', () => {
  it('defaults: on, weekly on Monday 09:00, top 10, the repository GIT_REPO_URL names', () => {
    expect(scheduleConfigFrom({}, git)).toEqual({
      debtScan: {
        enabled: true,
        cron: '0 9 * * 1',
        topN: 10,
        repositories: [{ name: 'shop-api', url: git.repoUrl, branch: 'main' }],
      },
      reportDigest: { cron: '0 9 * * 1' },
    });
    expect(scheduleConfigFrom({}, { branch: 'main' }).debtScan.repositories).toEqual([]);
  });

  it('reads every variable; repositories as [name=]url[#branch]', () => {
    expect(
      scheduleConfigFrom(
        {
          DEBT_SCAN: 'OFF',
          DEBT_SCAN_CRON: 'CRON_TZ=Europe/Paris 30 8 * * MON-FRI',
          DEBT_SCAN_TOP_N: '5',
          DEBT_SCAN_REPOSITORIES:
            'https://github.com/acme/shop-api.git, billing=https://git.acme.dev/fin/billing-service#trunk',
          REPORT_DIGEST_CRON: '@weekly',
        },
        git,
      ),
    ).toEqual({
      debtScan: {
        enabled: false,
        cron: 'CRON_TZ=Europe/Paris 30 8 * * MON-FRI',
        topN: 5,
        repositories: [
          { name: 'shop-api', url: 'https://github.com/acme/shop-api.git', branch: 'main' },
          { name: 'billing', url: 'https://git.acme.dev/fin/billing-service', branch: 'trunk' },
        ],
      },
      reportDigest: { cron: '@weekly' },
    });
  });

  it('names every problem with its variable', () => {
    expect(
      problemsOf({
        DEBT_SCAN: 'sometimes',
        DEBT_SCAN_CRON: '0 9 * *',
        DEBT_SCAN_TOP_N: '100',
        DEBT_SCAN_REPOSITORIES: 'git@github.com:acme/x.git, Big Name=https://h/x, https://h/a/shop.git, https://k/shop',
        REPORT_DIGEST_CRON: '0 9 * * Mon!',
      }),
    ).toEqual([
      'DEBT_SCAN="sometimes": expected on or off',
      'DEBT_SCAN_TOP_N="100": expected an integer from 1 to 25',
      'DEBT_SCAN_REPOSITORIES: "git@github.com:acme/x.git": expected [name=]https-clone-url[#branch]',
      'DEBT_SCAN_REPOSITORIES: "Big Name=https://h/x": the name "Big Name" must be lowercase letters, digits, dots, dashes or underscores',
      'DEBT_SCAN_REPOSITORIES: the name "shop" is used twice (give one a name=url)',
      'DEBT_SCAN_CRON="0 9 * *": expected five cron fields (minute hour day-of-month month day-of-week), e.g. "0 9 * * 1", or @weekly',
      'REPORT_DIGEST_CRON="0 9 * * Mon!": "Mon!" is not a cron field',
    ]);
  });

  it('is part of the whole configuration, its problems reported with the rest', () => {
    const file = JSON.parse(readFileSync(path.join(repoRoot, 'temporal.config.json'), 'utf8')) as unknown;
    expect(loadConfig(file, { GIT_REPO_URL: 'https://git.acme.dev/shop.git' }).schedules.debtScan.repositories).toEqual(
      [{ name: 'shop', url: 'https://git.acme.dev/shop.git', branch: 'main' }],
    );
    expect(() => loadConfig(file, { DEBT_SCAN_TOP_N: '0', PORT: 'x' })).toThrow(
      /PORT="x"[^]*DEBT_SCAN_TOP_N="0": expected an integer from 1 to 25/,
    );
  });

  it('names repositories from their URL and checks cron shapes', () => {
    expect(repositoryName('https://gitlab.example/group/sub/My_Repo.git/')).toBe('my_repo');
    expect(repositoryName('https://h/acme/shop api?x=1')).toBe('shop-api');
    expect(cronProblem('*/15 0-6 1,15 * ?')).toBeUndefined();
    expect(cronProblem('@daily')).toBeUndefined();
    expect(cronProblem('every monday')).toMatch(/five cron fields/);
  });
});
