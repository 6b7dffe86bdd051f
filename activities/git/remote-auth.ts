import type { AuthCallback, ProgressCallback } from 'isomorphic-git';

/** A repository URL without the user and password it may embed: what a prompt, a log or a history may show. */
export function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//');
  }
}

export interface RemoteAuth {
  headers: Record<string, string>;
  onAuth?: AuthCallback;
  onProgress?: ProgressCallback;
}

/**
 * Auth and progress options for one isomorphic-git call. A fresh object every time: some calls
 * (listServerRefs) add headers to what they are given. The token goes up front because
 * isomorphic-git only calls onAuth after a 401, which costs a round trip.
 */
export function remoteAuth(token?: string, onProgress?: ProgressCallback): RemoteAuth {
  const remote: RemoteAuth = { headers: {} };
  if (token) {
    remote.headers.Authorization = `Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
    remote.onAuth = () => ({ username: 'x-access-token', password: token });
  }
  if (onProgress) remote.onProgress = onProgress;
  return remote;
}
