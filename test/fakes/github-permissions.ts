/**
 * What a token may do on the GitHub fake's repository, told the way GitHub tells it:
 * - a classic token (`ghp_…`) carries OAuth scopes, reported in `x-oauth-scopes` on every answer;
 *   what it may do in the repository is its user's role, the repository's `permissions` object;
 * - a fine-grained token (`github_pat_…`) or an app's token carries repository permissions of its own:
 *   an endpoint it lacks answers 403 "Resource not accessible by personal access token", and every
 *   answer names what the endpoint accepts in `x-accepted-github-permissions` (e.g. `pull_requests=write`).
 * The role still shapes the `permissions` object for both, as it is the user's.
 */

export type RepoPermission = 'metadata' | 'contents' | 'pull_requests' | 'deployments';
export type AccessLevel = 'none' | 'read' | 'write';
export type RepoRole = 'read' | 'triage' | 'write' | 'maintain' | 'admin';

export type TokenGrant =
  | { kind: 'classic'; scopes: string[]; role: RepoRole }
  | { kind: 'fine-grained'; permissions: Partial<Record<RepoPermission, AccessLevel>>; role: RepoRole };

/** A bot with write access through a classic token with the `repo` scope: what the fake did before grants. */
export const DEFAULT_GRANT: TokenGrant = { kind: 'classic', scopes: ['repo'], role: 'write' };

/** The repository's `permissions` object (GET /repos/{owner}/{repo}) for the user's role. */
export function rolePermissions(role: RepoRole) {
  const rank = ['read', 'triage', 'write', 'maintain', 'admin'].indexOf(role);
  return { admin: rank >= 4, maintain: rank >= 3, push: rank >= 2, triage: rank >= 1, pull: true };
}

/** The permission an endpoint of the repository needs (`rest` is the path after /repos/{owner}/{repo}), per GitHub's REST reference. */
export function requiredPermission(method: string, rest: string): [RepoPermission, 'read' | 'write'] {
  const write = method !== 'GET' && method !== 'HEAD';
  if (/^\/pulls\/\d+\/merge$/.test(rest)) return ['contents', 'write'];
  if (rest.startsWith('/pulls') || /^\/issues\/\d+\/events$/.test(rest))
    return ['pull_requests', write ? 'write' : 'read'];
  if (rest.startsWith('/deployments')) return ['deployments', write ? 'write' : 'read'];
  if (rest.startsWith('/compare/') || rest.startsWith('/commits')) return ['contents', write ? 'write' : 'read'];
  return ['metadata', 'read'];
}

const LEVELS: AccessLevel[] = ['none', 'read', 'write'];

/**
 * The headers GitHub adds for this token, and the refusal when a fine-grained token lacks the
 * endpoint's permission (metadata: read is implied by any repository access). `rest` is the path
 * after /repos/{owner}/{repo}.
 */
export function checkGrant(
  grant: TokenGrant,
  method: string,
  rest: string,
): { headers: Record<string, string>; refused?: { status: number; body: unknown } } {
  if (grant.kind === 'classic')
    return { headers: { 'x-oauth-scopes': grant.scopes.join(', '), 'x-accepted-oauth-scopes': 'repo' } };
  const [permission, level] = requiredPermission(method, rest);
  const headers = { 'x-accepted-github-permissions': `${permission}=${level}` };
  const held = permission === 'metadata' ? 'read' : (grant.permissions[permission] ?? 'none');
  if (LEVELS.indexOf(held) >= LEVELS.indexOf(level)) return { headers };
  return {
    headers,
    refused: {
      status: 403,
      body: {
        message: 'Resource not accessible by personal access token',
        documentation_url: 'https://docs.github.com/rest',
        status: '403',
      },
    },
  };
}
