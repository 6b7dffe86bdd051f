import type { Octokit } from '@octokit/rest';
import { parsePatch } from 'diff';
import type { PullRequestCheck } from '../../workflows/domain/types';
import type { ProtectedPathMatcher } from '../git/protected-paths';
import type { RepoRef } from './pull-requests';

/**
 * Compares the pull request's changes, file by file, with the approved diff: the same files with
 * the same added and removed lines (where hunks sit may differ, as when the base branch moved).
 * A pull request from another repository (a fork) is a difference in itself.
 */
export async function comparePullRequest(
  gh: Octokit,
  input: RepoRef & { number: number; approvedDiff: string; isProtected: ProtectedPathMatcher },
): Promise<PullRequestCheck> {
  const { owner, repo, number } = input;
  const { data: pr } = await gh.rest.pulls.get({ owner, repo, pull_number: number });
  const files = await gh.paginate(gh.rest.pulls.listFiles, { owner, repo, pull_number: number, per_page: 100 });
  const differences: string[] = [];
  const base = pr.base.repo.full_name;
  if (pr.head.repo?.full_name !== base)
    differences.push(`it comes from ${pr.head.repo?.full_name ?? 'a deleted repository'}, not ${base}`);

  const approved = approvedChanges(input.approvedDiff);
  const proposed = new Map(files.map((f) => [f.filename, f.patch === undefined ? undefined : changeLines(f.patch)]));
  for (const [file, lines] of proposed) {
    const expected = approved.get(file);
    if (!approved.has(file)) differences.push(`${file}: not in the approved fix`);
    else if (lines === undefined || expected === undefined || lines.join('\n') !== expected.join('\n'))
      differences.push(`${file}: changed differently`);
  }
  for (const file of approved.keys()) if (!proposed.has(file)) differences.push(`${file}: approved but not changed`);

  const protectedFiles = files.flatMap((f) => {
    const reason = input.isProtected(f.filename);
    return reason ? [{ path: f.filename, reason }] : [];
  });
  return { differences, protectedFiles };
}

/** File name → its added and removed lines, in order (binary files: undefined). */
function approvedChanges(diff: string): Map<string, string[] | undefined> {
  const changes = new Map<string, string[] | undefined>();
  for (const p of parsePatch(diff)) {
    const name = [p.newFileName, p.oldFileName].find((n) => n && n !== '/dev/null');
    if (!name) continue;
    const file = name.replace(/^[ab]\//, '');
    changes.set(file, p.isBinary ? undefined : p.hunks.flatMap((h) => h.lines.filter(isChange)));
  }
  return changes;
}

function changeLines(patch: string): string[] {
  return patch.split('\n').filter(isChange);
}

const isChange = (line: string) => line.startsWith('+') || line.startsWith('-');
