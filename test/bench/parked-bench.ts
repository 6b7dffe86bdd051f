/**
 * Parked runs: how many runs can wait for a Slack approval at once, at what worker memory, how fast
 * runs reach that wait, and how fast an approval lands while the rest stay parked.
 *
 * Everything is real but the outside systems (the fakes under test/fakes) and, for the rate that
 * measures the orchestration, the model: the worker runs in a child process (test/bench/parked-worker.ts,
 * so its RSS is its own) with the Claude Code session replaced by an activity that returns the
 * sample repository's fix at once. Runs are started by signed Datadog webhooks through the real
 * ingress; approvals are the `decide` update the Slack route sends. Optionally (`cliRuns`) a second
 * worker runs the real Claude Code CLI against the fake Anthropic API, to measure that path's rate.
 *
 * `npx tsx test/bench/parked-bench.ts --runs 5000 [--cli-runs 12] [--temporal-address host:port]`
 * (with no address it starts a dev server of its own on a temporary database).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { loadConfig, type Config } from '../../infra/platform/config/load-config';
import { repoRoot } from '../../infra/platform/config/read-config';
import { createClient } from '../../infra/platform/temporal-connection';
import { ensureTemporalCli } from '../../infra/temporal/ensure-cli';
import { startDevServer, type DevServer } from '../../infra/temporal/dev-server';
import { addMissingSearchAttributes } from '../../infra/temporal/register-search-attributes';
import { startApi } from '../../api/main';
import { workflowsPath } from '../../workers/create-worker';
import { decideUpdate } from '../../workflows/domain/messages';
import { STAGE } from '../../workflows/domain/search-attributes';
import { startDatadogFake } from '../fakes/datadog-fake';
import { SlackFake } from '../fakes/slack-fake';
import { startGitServer } from '../fakes/git-server';
import { startGitHubFake } from '../fakes/github-fake';
import { startAnthropicFake } from '../fakes/anthropic-fake';
import { envForFakes } from '../fakes/fakes-env';
import { scriptedFixTurns } from '../fakes/scripted-fix';
import { freePort, readTree } from '../support/local';
import { quietLogger } from '../support/quiet-logger';
import type { Row } from './figure';

export interface ParkedBenchOptions {
  runs: number;
  /** A Temporal server to use; otherwise a dev server of the benchmark's own on a temporary database. */
  temporalAddress?: string;
  /** Runs approved, one after another, while the rest stay parked (default 50). */
  approvals?: number;
  /** Runs through the real Claude Code CLI and the fake Anthropic API (default 0: not measured). */
  cliRuns?: number;
  /** Extra environment for the workers (WORKER_MAX_CACHED_WORKFLOWS, CLAUDE_MAX_CONCURRENT, ...). */
  workerEnv?: Record<string, string>;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

const WEBHOOK_TOKEN = 'parked-bench-webhook-token';
const SIGNING_SECRET = 'parked-bench-signing-secret';
const CHANNEL = 'C0BUGS0001';
const APPROVER = { userId: 'U0APPROVER', userName: 'alice' };
const MiB = 2 ** 20;

/** The figures this work started from (issue 11 item 4: 2,000 parked runs, the default worker). */
const BASELINE = {
  rss: '1.23 GiB with 2,000 parked (~0.4 MiB a run over a 450 MB base)',
  rate: '3–4 runs/s',
  p50: '44–132 ms (1,950 parked)',
  p99: '194–268 ms (1,950 parked)',
};

export async function runParkedBench(opts: ParkedBenchOptions): Promise<Row[]> {
  const say = opts.log ?? (() => undefined);
  const approvals = Math.min(opts.approvals ?? 50, opts.runs);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'parked-bench-'));
  const cleanups: (() => Promise<unknown>)[] = [() => rm(tmp, { recursive: true, force: true })];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    const own = opts.temporalAddress ? undefined : await startOwnServer(tmp, cleanups);
    const address = opts.temporalAddress ?? own!.address;
    const base = loadConfig(configFile(), { TEMPORAL_ADDRESS: address });
    await addMissingSearchAttributes(base.temporal);
    const [datadog, slack, git, anthropic] = await Promise.all([
      startDatadogFake(),
      SlackFake.start(),
      startGitServer(),
      startAnthropicFake(scriptedFixTurns(), { byConversation: true }),
    ]);
    cleanups.push(
      () => datadog.close(),
      () => slack.close(),
      () => git.close(),
      () => anthropic.close(),
    );
    const sampleRepo = fileURLToPath(new URL('../fixtures/sample-repo', import.meta.url));
    const repoUrl = await git.createBareRepo('shop-api', await readTree(sampleRepo));
    const github = await startGitHubFake({ owner: 'acme', repo: 'shop-api', bareRepoPath: git.repoPath('shop-api') });
    cleanups.push(() => github.close());

    say('bundling the workflows');
    const { code } = await bundleWorkflowCode({ workflowsPath, logger: quietLogger });
    const bundlePath = path.join(tmp, 'workflow-bundle.js');
    await writeFile(bundlePath, code);

    const baseEnv = {
      ...envForFakes({
        datadog,
        slack,
        anthropic,
        github,
        repoUrl,
        repository: 'acme/shop-api',
        webhookToken: WEBHOOK_TOKEN,
        signingSecret: SIGNING_SECRET,
        channel: CHANNEL,
      }),
      TEMPORAL_ADDRESS: address,
      PORT: '0',
      ADMIN_PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      WORKER_METRICS_ADDRESS: 'off',
      GIT_CACHE_DIR: path.join(tmp, 'repos'),
      // Thousands of runs of one service must not stop at the day's Claude Code budget.
      CLAUDE_DAILY_BUDGET_USD: '1000000',
      CLAUDE_SERVICE_DAILY_BUDGET_USD: '1000000',
      CLAUDE_TIMEOUT: '3m',
    };

    // 1. The orchestration: N runs parked with the model scripted, then approvals among them.
    const scripted = await runPhase({
      name: 'scripted',
      runs: opts.runs,
      env: { ...baseEnv, ...opts.workerEnv, PARKED_SCRIPTED_FIX: '1' },
      ...(own ? { serverPid: own.pid } : {}),
      tmp,
      bundlePath,
      say,
    });
    cleanups.push(scripted.close);
    const { rssStart, rssParked, rssPeak } = scripted;
    say(`approving ${approvals} of ${opts.runs} parked runs, one at a time`);
    const latencies = await approveSome(scripted.client, scripted.workflowIds, approvals);
    const moved = await waitForStages(
      scripted.client,
      scripted.prefix,
      ['opening-pr', 'awaiting-merge'],
      approvals,
      120_000,
    );
    await scripted.close();

    const overStart = (rssParked - rssStart) / 1e6;
    const figures: Row[] = [
      {
        figure: `worker RSS with ${opts.runs} runs parked, above its start`,
        value: `+${overStart.toFixed(0)} MB (start ${(rssStart / MiB).toFixed(0)} MiB, parked ${(rssParked / MiB).toFixed(0)} MiB, peak ${(rssPeak / MiB).toFixed(0)} MiB)`,
        baseline: BASELINE.rss,
        goal: '≤ 300 MB above start with 5,000 parked',
        met: overStart <= 300,
      },
      {
        figure: `runs reaching the approval stage, scripted model (${opts.runs} runs)`,
        value: `${scripted.rate.toFixed(1)} runs/s (${scripted.seconds.toFixed(1)} s; ${cpuText(scripted.cpu)})`,
        baseline: BASELINE.rate,
        goal: '≥ 20 runs/s',
        met: scripted.rate >= 20,
      },
      {
        figure: `approval latency p50, ${opts.runs - approvals} parked`,
        value: `${percentile(latencies, 50).toFixed(0)} ms`,
        baseline: BASELINE.p50,
        goal: '—',
        met: true,
      },
      {
        figure: `approval latency p99 (${approvals} approvals), ${opts.runs - approvals} parked`,
        value: `${percentile(latencies, 99).toFixed(0)} ms (max ${Math.max(...latencies).toFixed(0)} ms)`,
        baseline: BASELINE.p99,
        goal: '< 1 s',
        met: percentile(latencies, 99) < 1000,
      },
      {
        figure: 'approved runs that went on to their pull request',
        value: `${moved} of ${approvals}`,
        baseline: '—',
        goal: 'all',
        met: moved === approvals,
      },
    ];

    // 2. The real path: the Claude Code CLI per run, against the fake Anthropic API.
    if (opts.cliRuns) {
      const env = { ...baseEnv, ...opts.workerEnv };
      const concurrency = loadConfig(configFile(), env).claude.maxConcurrent;
      const real = await runPhase({
        name: 'real CLI',
        runs: opts.cliRuns,
        env,
        ...(own ? { serverPid: own.pid } : {}),
        tmp,
        bundlePath,
        say,
      });
      cleanups.push(real.close);
      await real.close();
      figures.push({
        figure: `runs reaching the approval stage, real Claude Code CLI (${opts.cliRuns} runs, CLAUDE_MAX_CONCURRENT=${concurrency})`,
        value: `${real.rate.toFixed(2)} runs/s (${real.seconds.toFixed(1)} s; ${cpuText(real.cpu)})`,
        baseline: BASELINE.rate,
        goal: '— (one CLI process per run: bounded by its CPU, see the scripted figure for the orchestration)',
        met: true,
      });
    }
    return figures;
  } finally {
    await cleanup();
  }
}

interface Phase {
  client: Client;
  prefix: string;
  worker: ChildProcess;
  workflowIds: string[];
  rssStart: number;
  rssParked: number;
  rssPeak: number;
  seconds: number;
  rate: number;
  /** CPU seconds per run until it waits for approval: the worker (and its CLI sessions), the Temporal server, this process (ingress, fakes, git server). */
  cpu: { worker: number; server?: number; bench: number };
  close(): Promise<void>;
}

function cpuNow(workerPid: number, serverPid?: number) {
  const w = cpuOf(workerPid);
  const self = cpuOf('self');
  return {
    worker: w.own + w.children,
    ...(serverPid ? { server: cpuOf(serverPid).own } : {}),
    bench: self.own + self.children,
  };
}

/** "worker 40 ms + server 30 ms + ingress and fakes 20 ms = 90 ms a run: ≤ 22 runs/s on 2 cores". */
function cpuText(cpu: Phase['cpu']): string {
  const total = cpu.worker + (cpu.server ?? 0) + cpu.bench;
  const ms = (s: number) => `${(s * 1000).toFixed(0)} ms`;
  const cores = os.cpus().length;
  return `worker ${ms(cpu.worker)}${cpu.server !== undefined ? ` + Temporal server ${ms(cpu.server)}` : ''} + ingress, fakes and git server ${ms(cpu.bench)} = ${ms(total)} CPU a run${cpu.server !== undefined ? `: at most ${(cores / total).toFixed(0)} runs/s on ${cores} idle cores` : ''}`;
}

/** A worker in a child process, N runs started through the ingress, timed until all wait for approval. */
async function runPhase(p: {
  name: string;
  runs: number;
  env: Record<string, string>;
  serverPid?: number;
  tmp: string;
  bundlePath: string;
  say: (line: string) => void;
}): Promise<Phase> {
  const prefix = `pk${randomBytes(3).toString('hex')}`;
  const env = { ...p.env, WORKFLOW_ID_PREFIX: prefix, TEMPORAL_TASK_QUEUE: `${prefix}-queue` };
  const config = loadConfig(configFile(), env);
  const client = await createClient(config.temporal);
  const worker = await startWorkerProcess(env, p.bundlePath, path.join(p.tmp, `work-${prefix}`), logFile(prefix));
  const api = await startApi(config);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await api.close();
    // The worker stops even when the server is gone (the runs then go with it).
    await terminateRuns(client, prefix).catch(() => undefined);
    await stopProcess(worker);
    await client.connection.close();
  };
  try {
    // Let the worker settle before its starting figure.
    await sleep(3000);
    const rssStart = rssOf(worker.pid!);
    let rssPeak = rssStart;
    const sampler = setInterval(() => {
      if (worker.exitCode === null) rssPeak = Math.max(rssPeak, rssOf(worker.pid!));
    }, 500);

    p.say(`${p.name}: starting ${p.runs} runs through the ingress`);
    const cpuBefore = cpuNow(worker.pid!, p.serverPid);
    const started = performance.now();
    const workflowIds = await sendAlerts(api.url, p.runs, prefix);
    p.say(`${p.name}: ${p.runs} alerts accepted in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const reached = await waitForStages(
      client,
      prefix,
      ['awaiting-approval'],
      p.runs,
      Math.max(600_000, p.runs * 2000),
      (n) => {
        if (worker.exitCode !== null) throw new Error(`the worker exited; see ${logFile(prefix)}`);
        p.say(`${p.name}: ${n} of ${p.runs} awaiting approval`);
      },
    );
    if (reached < p.runs) throw new Error(`only ${reached} of ${p.runs} runs reached the approval stage in time`);
    const seconds = (performance.now() - started) / 1000;
    const cpuAfter = cpuNow(worker.pid!, p.serverPid);
    const cpu = {
      worker: (cpuAfter.worker - cpuBefore.worker) / p.runs,
      ...(p.serverPid ? { server: (cpuAfter.server! - cpuBefore.server!) / p.runs } : {}),
      bench: (cpuAfter.bench - cpuBefore.bench) / p.runs,
    };
    // Parked: what the worker holds once nothing moves.
    await sleep(5000);
    const rssParked = rssOf(worker.pid!);
    clearInterval(sampler);
    rssPeak = Math.max(rssPeak, rssParked);
    return {
      client,
      prefix,
      worker,
      workflowIds,
      rssStart,
      rssParked,
      rssPeak,
      seconds,
      rate: p.runs / seconds,
      cpu,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

function configFile(): unknown {
  return JSON.parse(readFileSync(path.join(repoRoot, 'temporal.config.json'), 'utf8'));
}

async function startOwnServer(
  tmp: string,
  cleanups: (() => Promise<unknown>)[],
): Promise<{ address: string; pid: number }> {
  const [port, uiPort] = [await freePort(), await freePort()];
  const base = loadConfig(configFile(), {});
  const config: Config = {
    ...base,
    temporal: { ...base.temporal, address: `127.0.0.1:${port}` },
    devServer: { ...base.devServer, dbFilename: path.join(tmp, 'temporal.db'), uiPort, logLevel: 'error' },
  };
  const cli = await ensureTemporalCli({
    version: config.devServer.cliVersion,
    ...(config.devServer.cliPath ? { cliPath: config.devServer.cliPath } : {}),
  });
  const server: DevServer = await startDevServer(cli, config);
  cleanups.push(() => server.stop());
  return { address: config.temporal.address, pid: server.process.pid! };
}

/** Where a worker's warnings and errors go: kept after the benchmark, to read when it failed. */
const logFile = (prefix: string) => path.join(os.tmpdir(), `parked-bench-worker-${prefix}.log`);

async function startWorkerProcess(env: Record<string, string>, bundlePath: string, workRoot: string, log: string) {
  const logs = openSync(log, 'a');
  const child = fork(fileURLToPath(new URL('./parked-worker.ts', import.meta.url)), [], {
    env: { ...process.env, ...env, PARKED_WORKFLOW_BUNDLE: bundlePath, PARKED_WORK_ROOT: workRoot },
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', logs, logs, 'ipc'],
  });
  closeSync(logs);
  child.once('exit', (code, signal) => {
    if (!stopping.has(child)) console.error(`the benchmark's worker exited (${code ?? signal}); see ${log}`);
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`the benchmark's worker exited with ${code} before it was ready`)));
  });
  return child;
}

const stopping = new WeakSet<ChildProcess>();

async function stopProcess(child: ChildProcess): Promise<void> {
  stopping.add(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Resident set size of a process, from /proc (Linux). */
function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, { encoding: 'utf8', flag: 'r' });
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

/** CPU seconds a process has used (itself, and with its finished children), from /proc (Linux). */
function cpuOf(pid: number | 'self'): { own: number; children: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  // utime, stime, cutime, cstime: fields 14 to 17 of stat, 11 to 14 after the command.
  return { own: (f[11]! + f[12]!) / 100, children: (f[13]! + f[14]!) / 100 };
}

/** One signed Datadog webhook per run, each a different error (its own throw site), 16 at a time. */
async function sendAlerts(apiUrl: string, runs: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < runs) {
        const i = next++;
        const body = JSON.stringify({
          id: `${prefix}-${i}`,
          title: '[Triggered] Errors in shop-api',
          date: String(Date.now()),
          tags: 'service:shop-api,env:production',
          logs_sample: {
            columns: ['service'],
            rows: [
              {
                items: ['shop-api'],
                message: `TypeError: Cannot read properties of undefined (reading 'address') in label ${letters(i)}\n    at shippingLabel (/app/src/cart.ts:14:29)\n    at checkout (/app/src/cart.ts:19:17)`,
              },
            ],
          },
        });
        const res = await fetch(`${apiUrl}/webhooks/datadog`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${WEBHOOK_TOKEN}` },
        });
        const answer = (await res.json()) as { workflows?: { workflowId: string }[] };
        if (res.status !== 202 || answer.workflows?.length !== 1)
          throw new Error(`alert ${i}: HTTP ${res.status} ${JSON.stringify(answer)}`);
        ids.push(answer.workflows[0]!.workflowId);
      }
    }),
  );
  if (new Set(ids).size !== runs) throw new Error(`expected ${runs} distinct runs, got ${new Set(ids).size}`);
  return ids;
}

/** Waits until `count` runs of this benchmark are in one of `stages` (visibility); returns how many are. */
async function waitForStages(
  client: Client,
  prefix: string,
  stages: string[],
  count: number,
  timeoutMs: number,
  progress?: (n: number) => void,
): Promise<number> {
  const query = `WorkflowId STARTS_WITH "${prefix}-" AND ${STAGE.name} IN (${stages.map((s) => `"${s}"`).join(', ')})`;
  const failedQuery = `WorkflowId STARTS_WITH "${prefix}-" AND ExecutionStatus != "Running"`;
  const deadline = Date.now() + timeoutMs;
  let lastReport = 0;
  for (;;) {
    const { count: n } = await client.workflow.count(query);
    if (n >= count) return n;
    const { count: ended } = await client.workflow.count(failedQuery);
    if (ended > 0) throw new Error(`${ended} runs ended before reaching ${stages.join(' / ')}`);
    if (Date.now() > deadline) return n;
    if (progress && Date.now() - lastReport > 5_000) {
      lastReport = Date.now();
      progress(n);
    }
    await sleep(250);
  }
}

/** Approves `n` parked runs spread over the set, one at a time, as the Slack route does; milliseconds each. */
async function approveSome(client: Client, workflowIds: string[], n: number): Promise<number[]> {
  const step = Math.max(1, Math.floor(workflowIds.length / n));
  const latencies: number[] = [];
  for (let i = 0; i < n; i++) {
    const id = workflowIds[(i * step) % workflowIds.length]!;
    const t = performance.now();
    await client.workflow
      .getHandle(id)
      .executeUpdate(decideUpdate, { args: [{ approved: true, ...APPROVER, via: 'slack' }] });
    latencies.push(performance.now() - t);
  }
  return latencies;
}

async function terminateRuns(client: Client, prefix: string): Promise<void> {
  const ids: string[] = [];
  for await (const w of client.workflow.list({
    query: `WorkflowId STARTS_WITH "${prefix}-" AND ExecutionStatus = "Running"`,
  }))
    ids.push(w.workflowId);
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        await client.workflow
          .getHandle(id)
          .terminate('benchmark over')
          .catch(() => undefined);
      }
    }),
  );
}

/**
 * 0 → g, 19 → z, 20 → hg: a word of its own for each error (an error is its service and normalised
 * message; numbers and hex-like ids are normalised away, so the letters are g to z).
 */
function letters(i: number): string {
  let s = '';
  do {
    s = String.fromCharCode(103 + (i % 20)) + s;
    i = Math.floor(i / 20);
  } while (i > 0);
  return s;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

if (import.meta.url === `file://${process.argv[1]}`) {
  // The ingress logs every delivery at info: keep thousands of lines out of the figures.
  process.env.LOG_LEVEL ??= 'warn';
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '5000' },
      approvals: { type: 'string', default: '50' },
      'cli-runs': { type: 'string', default: '0' },
      'temporal-address': { type: 'string' },
    },
  });
  const figures = await runParkedBench({
    runs: Number(values.runs),
    approvals: Number(values.approvals),
    cliRuns: Number(values['cli-runs']),
    ...(values['temporal-address'] ? { temporalAddress: values['temporal-address'] } : {}),
    log: (line) => console.error(`[parked-bench] ${line}`),
  });
  console.log('parked runs benchmark');
  for (const f of figures)
    console.log(
      `  ${f.met ? 'met ' : 'MISS'}  ${f.figure}: ${f.value}\n        baseline ${f.baseline}; goal ${f.goal}`,
    );
  process.exit(figures.every((f) => f.met) ? 0 : 1);
}
