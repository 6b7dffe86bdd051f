/**
 * What reached the repository on the git server: every commit made after the first one (on any
 * branch, main included), the files it changed, and the run its `Bugfix-Run:` line names.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { workflowIdFromMarker } from '../../workflows/domain/github-text';
import { SERVICE, type World } from './world';

const exec = promisify(execFile);

export interface RepoAudit {
  /** Fix branches (`bugfix/…`, reverts aside) and the run named by their tip commit. */
  fixBranches: { branch: string; run?: string }[];
  /** Non-merge commits after the first: a symlink or a mode change is named as such next to the file. */
  commits: { sha: string; run?: string; files: string[] }[];
}

export async function auditRepository(world: World): Promise<RepoAudit> {
  const dir = world.git.repoPath(SERVICE);
  const git = async (...args: string[]) => (await exec('git', ['--git-dir', dir, ...args])).stdout;
  const refs = (await git('for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/heads'))
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' ') as [string, string]);
  const runOf = async (sha: string) => workflowIdFromMarker(await git('log', '-1', '--format=%B', sha));

  const fixBranches = [];
  for (const [branch, sha] of refs)
    if (branch.startsWith('bugfix/') && !branch.startsWith('bugfix/revert-'))
      fixBranches.push({ branch, ...(await runOf(sha).then((run) => (run ? { run } : {}))) });

  const shas = (await git('rev-list', '--no-merges', ...refs.map(([, sha]) => sha), `^${world.baseCommit}`))
    .split('\n')
    .filter(Boolean);
  const commits = [];
  for (const sha of shas) {
    const files = (await git('diff-tree', '-r', '--raw', '--no-commit-id', '--no-renames', sha))
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [meta = '', file = ''] = line.split('\t');
        const [oldMode, newMode] = meta.slice(1).split(' ');
        if (newMode === '120000' || (oldMode === '120000' && newMode !== '000000')) return `${file} (symlink)`;
        if (oldMode !== '000000' && newMode !== '000000' && oldMode !== newMode)
          return `${file} (mode ${oldMode}->${newMode})`;
        return file;
      });
    const run = await runOf(sha);
    commits.push({ sha, ...(run ? { run } : {}), files });
  }
  return { fixBranches, commits };
}
