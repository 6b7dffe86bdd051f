import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const exec = promisify(execFile);

/** One HTTP request the server answered, so tests can see what a client fetched. */
export interface GitRequest {
  method: string;
  /** URL path, e.g. `/app.git/info/refs` or `/app.git/git-upload-pack`. */
  path: string;
  /** `git-upload-pack` (clone/fetch) or `git-receive-pack` (push), when the request names one. */
  service?: string;
  status: number;
  /** Request body bytes after gzip decoding. */
  requestBytes: number;
  /** Response body bytes sent (pack data included). */
  responseBytes: number;
}

export interface GitServer {
  /** Base URL; a repository `name` is at `${url}/${name}.git`. */
  url: string;
  /** Creates `<name>.git` holding one commit of `files` on `branch`; returns its clone URL. */
  createBareRepo(name: string, files: Record<string, string>, branch?: string): Promise<string>;
  /** Adds a commit on top of `branch` (null deletes a file); returns the new commit id. */
  commitToRepo(name: string, files: Record<string, string | null>, branch?: string): Promise<string>;
  /** The commit id `branch` points to in the bare repository. */
  headOf(name: string, branch?: string): Promise<string>;
  /** Every branch of the bare repository, sorted: what has reached the repository. */
  branches(name: string): Promise<string[]>;
  /** Path of the bare repository on disk, for the git CLI. */
  repoPath(name: string): string;
  /**
   * Makes the repository read-only to its clients (or writable again): `git http-backend` with
   * `http.receivepack` off answers 403 to the push advertisement, as a host does for a read-only token.
   */
  refusePush(name: string, refused?: boolean): void;
  requests: GitRequest[];
  close(): Promise<void>;
}

// Fixed identity and clock so commit ids are reproducible across runs.
const BASE_DATE = Date.parse('2024-01-01T00:00:00Z') / 1000;
const gitEnv = (tick: number): NodeJS.ProcessEnv => {
  const date = `${BASE_DATE + tick * 60} +0000`;
  return {
    PATH: process.env.PATH,
    HOME: os.tmpdir(),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'Test Author',
    GIT_AUTHOR_EMAIL: 'author@example.test',
    GIT_COMMITTER_NAME: 'Test Author',
    GIT_COMMITTER_EMAIL: 'author@example.test',
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
  };
};

/**
 * A real smart-HTTP git server: `git http-backend` run as a CGI behind a Node
 * HTTP server on 127.0.0.1. Clone, fetch and push work for isomorphic-git and
 * the git CLI alike. With `token`, every request needs it (Bearer, or Basic
 * with the token as password).
 */
export async function startGitServer(opts: { token?: string } = {}): Promise<GitServer> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'git-server-'));
  const projectRoot = path.join(root, 'repos');
  await mkdir(projectRoot);
  const requests: GitRequest[] = [];
  const worktrees = new Map<string, string>();
  const readOnly = new Set<string>();
  let tick = 0;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const service = url.searchParams.get('service') ?? /\/(git-(?:upload|receive)-pack)$/.exec(url.pathname)?.[1];
    const entry: GitRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      ...(service ? { service } : {}),
      status: 0,
      requestBytes: 0,
      responseBytes: 0,
    };
    requests.push(entry);

    if (opts.token !== undefined && !authorized(req.headers.authorization, opts.token)) {
      entry.status = 401;
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"', 'Content-Type': 'text/plain' });
      res.end('authentication required\n');
      return;
    }

    const cgi = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: projectRoot,
        GIT_HTTP_EXPORT_ALL: '1',
        // Pushes are refused to unauthenticated users unless receive-pack is switched on.
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'http.receivepack',
        GIT_CONFIG_VALUE_0: readOnly.has(/^\/([^/]+)\.git\//.exec(url.pathname)?.[1] ?? '') ? 'false' : 'true',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        REQUEST_METHOD: entry.method,
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        REMOTE_USER: opts.token !== undefined ? 'token-user' : 'anonymous',
        REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
        ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    cgi.stderr.resume();
    cgi.on('error', (err) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(err));
    });
    cgi.stdin.on('error', () => undefined); // the backend may exit before reading everything

    const body = req.headers['content-encoding'] === 'gzip' ? req.pipe(zlib.createGunzip()) : req;
    body.on('data', (chunk: Buffer) => (entry.requestBytes += chunk.length));
    body.on('error', () => cgi.kill());
    body.pipe(cgi.stdin);

    // CGI output: headers (with an optional `Status:`), a blank line, then the body.
    let head = Buffer.alloc(0);
    let headerDone = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headerDone) {
        entry.responseBytes += chunk.length;
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const sep = head.indexOf('\r\n\r\n') >= 0 ? head.indexOf('\r\n\r\n') : head.indexOf('\n\n');
      if (sep < 0) return;
      const sepLen = head[sep] === 0x0d ? 4 : 2;
      let status = 200;
      for (const line of head.subarray(0, sep).toString('latin1').split(/\r?\n/)) {
        const i = line.indexOf(':');
        const name = line.slice(0, i).trim();
        const value = line.slice(i + 1).trim();
        if (name.toLowerCase() === 'status') status = parseInt(value, 10);
        else if (name) res.setHeader(name, value);
      }
      entry.status = status;
      res.writeHead(status);
      headerDone = true;
      const rest = head.subarray(sep + sepLen);
      entry.responseBytes += rest.length;
      if (rest.length) res.write(rest);
    });
    cgi.stdout.on('end', () => {
      if (!headerDone) {
        entry.status = 502;
        res.writeHead(502);
      }
      res.end();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const repoPath = (name: string) => path.join(projectRoot, `${name}.git`);
  const git = (cwd: string, ...args: string[]) => exec('git', args, { cwd, env: gitEnv(tick) });

  const writeFiles = async (dir: string, files: Record<string, string | null>) => {
    for (const [name, content] of Object.entries(files)) {
      const file = path.join(dir, name);
      if (content === null) {
        await rm(file, { force: true });
      } else {
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, content);
      }
    }
  };

  return {
    url: baseUrl,
    requests,
    repoPath,
    refusePush(name, refused = true) {
      if (refused) readOnly.add(name);
      else readOnly.delete(name);
    },
    async createBareRepo(name, files, branch = 'main') {
      const work = await mkdtemp(path.join(root, 'work-'));
      worktrees.set(name, work);
      await git(work, 'init', '-q', '-b', branch);
      await writeFiles(work, files);
      await git(work, 'add', '-A');
      await git(work, 'commit', '-q', '--allow-empty', '-m', 'Initial commit');
      await git(root, 'init', '-q', '--bare', repoPath(name));
      await git(repoPath(name), 'symbolic-ref', 'HEAD', `refs/heads/${branch}`);
      await git(work, 'push', '-q', repoPath(name), `${branch}:${branch}`);
      return `${baseUrl}/${name}.git`;
    },
    async commitToRepo(name, files, branch = 'main') {
      const work = worktrees.get(name);
      if (!work) throw new Error(`no repository ${name}: call createBareRepo first`);
      tick += 1;
      // Pushes by other clients may have moved the branch: start from the bare repository's tip.
      await git(work, 'fetch', '-q', repoPath(name), branch);
      await git(work, 'checkout', '-q', '-B', branch, 'FETCH_HEAD');
      await writeFiles(work, files);
      await git(work, 'add', '-A');
      await git(work, 'commit', '-q', '--allow-empty', '-m', `Commit ${tick}`);
      await git(work, 'push', '-q', repoPath(name), `${branch}:${branch}`);
      return (await git(work, 'rev-parse', 'HEAD')).stdout.trim();
    },
    async headOf(name, branch = 'main') {
      return (await git(repoPath(name), 'rev-parse', `refs/heads/${branch}`)).stdout.trim();
    },
    async branches(name) {
      const { stdout } = await git(repoPath(name), 'for-each-ref', '--format=%(refname:short)', 'refs/heads');
      return stdout.split('\n').filter(Boolean).sort();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}

function authorized(header: string | undefined, token: string): boolean {
  if (!header) return false;
  const [scheme, value = ''] = header.split(' ', 2);
  if (scheme?.toLowerCase() === 'bearer') return value === token;
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1) === token;
  }
  return false;
}
