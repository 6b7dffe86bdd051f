/**
 * The deployment files (infra/deploy/) checked against the code they deploy: variable names the
 * configuration reads, the health route and ports, npm scripts, the pinned Temporal version, the task
 * queues the workers poll, the search attributes runs set. No Docker engine or cluster is needed; the
 * namespace setup script runs against the suite's Temporal dev server.
 */
import { SANDBOX_PACKAGES } from '../../../activities/sandbox/sandbox-packages';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection, type Client } from '@temporalio/client';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { healthRoute } from '../../../api/health-route';
import { loadConfig, type Config } from '../../../infra/platform/config/load-config';
import { readConfig, repoRoot } from '../../../infra/platform/config/read-config';
import { ensureTemporalCli } from '../../../infra/temporal/ensure-cli';
import { ALL_SEARCH_ATTRIBUTES } from '../../../workflows/domain/search-attributes';
import { claudeTaskQueue } from '../../../workflows/domain/task-queues';
import { isMap, parseYamlDocuments, parseYamlMap, type YamlMap, type YamlValue } from '../../support/yaml';

const execFileAsync = promisify(execFile);
const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');
const deployDir = 'infra/deploy';
const k8sDir = `${deployDir}/k8s/bugfix`;
const setupScript = `${k8sDir}/temporal-namespace-setup.sh`;

const configFile: unknown = JSON.parse(read('temporal.config.json'));
const defaults = loadConfig(configFile, {});
const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts);

/** Every variable the configuration reads, recorded by running it on an environment that notes each read. */
function configVariables(): Set<string> {
  const names = new Set<string>();
  const recording = new Proxy<NodeJS.ProcessEnv>(
    {},
    {
      get(_target, key) {
        if (typeof key === 'string') names.add(key);
        return undefined;
      },
    },
  );
  readConfig(recording);
  return names;
}
const known = configVariables();

/** The configuration a process would run with: the file plus `env`, secrets given placeholder values. */
const configWith = (env: Record<string, string>): Config => loadConfig(configFile, env);

// --- small typed readers for parsed YAML ------------------------------------------------------------
function get(value: YamlValue | undefined, ...keys: (string | number)[]): YamlValue | undefined {
  let v = value;
  for (const key of keys) {
    if (typeof key === 'number') v = Array.isArray(v) ? v[key] : undefined;
    else v = isMap(v) ? v[key] : undefined;
  }
  return v;
}
const mapAt = (value: YamlValue | undefined, ...keys: (string | number)[]): YamlMap => {
  const v = get(value, ...keys);
  if (!isMap(v)) throw new Error(`expected a mapping at ${keys.join('.')}`);
  return v;
};
const listAt = (value: YamlValue | undefined, ...keys: (string | number)[]): YamlValue[] => {
  const v = get(value, ...keys);
  return Array.isArray(v) ? v : [];
};
const text = (value: YamlValue | undefined): string => (value === null || value === undefined ? '' : String(value));

/** `npm run <script>` as a command list; the script it names. */
function npmScriptOf(command: YamlValue | undefined): string | undefined {
  const parts = Array.isArray(command) ? command.map(text) : text(command).split(/\s+/);
  return parts[0] === 'npm' && parts[1] === 'run' ? parts[2] : undefined;
}

/** The API's GET routes, from the router it mounts (the path the probes must use). */
function healthPath(): string {
  const router = healthRoute({ client: {} as Client, config: defaults });
  const gets = router.stack.filter((layer) => layer.route?.stack.some((l) => l.method === 'get'));
  expect(gets).toHaveLength(1);
  return gets[0]?.route?.path ?? '';
}

/** The pinned Temporal CLI (the one the suite and `npm start` use) and the server and UI versions it embeds. */
async function pinnedTemporal(): Promise<{ cli: string; server: string; ui: string }> {
  const cli = await ensureTemporalCli({
    version: defaults.devServer.cliVersion,
    ...(defaults.devServer.cliPath ? { cliPath: defaults.devServer.cliPath } : {}),
  });
  const { stdout } = await execFileAsync(cli, ['--version']);
  // "temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)"
  const match = /Server (\d+\.\d+\.\d+), UI (\d+\.\d+\.\d+)/.exec(stdout);
  if (!match?.[1] || !match[2]) throw new Error(`unexpected temporal --version output: ${stdout}`);
  return { cli, server: match[1], ui: match[2] };
}

const imageTag = (image: YamlValue | undefined): { name: string; tag: string } => {
  const [name = '', tag = ''] = text(image).split(/:(?=[^:/]+$)/);
  return { name, tag };
};

/** The search attributes a setup script registers, as `Name:Type` pairs. */
const scriptAttributes = (script: string) =>
  [...script.matchAll(/^\s+(\w+):(Keyword|KeywordList|Text|Int|Double|Bool|Datetime)\b/gm)]
    .map(([, name, type]) => `${name}:${type?.toUpperCase()}`)
    .sort();
const projectAttributes = ALL_SEARCH_ATTRIBUTES.map((key) => `${key.name}:${key.type.replace('_', '')}`).sort();

// ---------------------------------------------------------------------------------------------------

describe('the YAML reader used below', () => {
  it('refuses duplicate keys and unknown aliases instead of guessing', async () => {
    await expect(parseYamlDocuments('a: 1\na: 2\n')).rejects.toThrow(/keys must be unique/);
    await expect(parseYamlDocuments('a: *missing\n')).rejects.toThrow(/alias/i);
  });
});

describe('the configuration names', () => {
  it('are read from the configuration itself', () => {
    // Sanity of the recording: names from every part of the loader.
    for (const name of ['TEMPORAL_ADDRESS', 'PORT', 'HOST', 'WORKER_METRICS_ADDRESS', 'LOG_FORMAT', 'GIT_CACHE_DIR'])
      expect(known).toContain(name);
    expect(known.size).toBeGreaterThan(60);
  });
});

describe('Dockerfile', () => {
  const lines = read(`${deployDir}/Dockerfile`)
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const instructions = lines.map((l) => {
    const [keyword = '', ...rest] = l.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
  });
  const lastFrom = instructions.map((i) => i.keyword).lastIndexOf('FROM');
  const runtime = instructions.slice(lastFrom);
  const all = (keyword: string) => runtime.filter((i) => i.keyword === keyword).map((i) => i.args);
  const imageEnv = Object.fromEntries(
    all('ENV').flatMap((args) => [...args.matchAll(/(\w+)=(\S+)/g)].map(([, k, v]) => [k ?? '', v ?? ''])),
  );

  it('builds in stages: dependencies with npm ci, then a runtime stage', () => {
    expect(instructions.filter((i) => i.keyword === 'FROM').length).toBeGreaterThanOrEqual(2);
    expect(instructions.slice(0, lastFrom).some((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args))).toBe(true);
    expect(all('COPY').some((args) => args.includes('--from=deps'))).toBe(true);
  });

  it('runs as a numeric non-root user', () => {
    const users = all('USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1)?.split(':')[0] ?? '';
    expect(user).toMatch(/^\d+$/);
    expect(Number(user)).toBeGreaterThan(0);
  });

  it('installs git and what the sandbox needs, on the Node version CI tests', () => {
    const installs = all('RUN').join(' ');
    for (const pkg of ['git', ...Object.values(SANDBOX_PACKAGES)])
      expect(installs).toMatch(new RegExp(`apt-get install[^&]*\\b${pkg}\\b`));
    const ciNode = /version="\$\{1:-([\d.]+)\}"/.exec(read('.ci/ensure-node.sh'))?.[1];
    expect(ciNode).toBeDefined();
    expect(instructions.find((i) => i.keyword === 'ARG' && i.args.startsWith('NODE_VERSION='))?.args).toBe(
      `NODE_VERSION=${ciNode}`,
    );
  });

  it('sets only variables the configuration reads (and Node/npm runtime ones), and they load', () => {
    for (const name of Object.keys(imageEnv)) {
      if (name === 'NODE_ENV' || name.startsWith('npm_config_')) continue;
      expect(known, `ENV ${name}`).toContain(name);
    }
    const config = configWith(imageEnv);
    expect(config.api.host).toBe('0.0.0.0');
    expect(all('EXPOSE').join(' ').split(/\s+/)).toContain(String(config.api.port));
  });

  it("checks health on the API's route and port, and starts an npm script", () => {
    const check = all('HEALTHCHECK').join(' ');
    expect(check).toContain(`'${healthPath()}'`);
    expect(check).toContain(`process.env.PORT || ${configWith({}).api.port}`);
    const cmd = JSON.parse(all('CMD').at(-1) ?? '[]') as string[];
    expect(scripts).toContain(npmScriptOf(cmd));
  });

  it('.dockerignore keeps node_modules, git data and local state out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['node_modules', '.git', '.data', '.cache', '.env']) expect(ignored).toContain(entry);
  });
});

describe('compose.yaml', () => {
  let compose: YamlMap;
  let services: YamlMap;
  let temporal: Awaited<ReturnType<typeof pinnedTemporal>>;
  beforeAll(async () => {
    compose = await parseYamlMap(read(`${deployDir}/compose.yaml`));
    services = mapAt(compose, 'services');
    temporal = await pinnedTemporal();
  });

  /** Compose's interpolation, with every variable unset: `${X:-default}` is the default. */
  const interpolate = (value: string) =>
    value.replace(/\$\$|\$\{(\w+)(?::?-([^}]*))?\}/g, (whole, _name, fallback: string | undefined) =>
      whole === '$$' ? '$' : (fallback ?? ''),
    );
  const environmentOf = (service: string): Record<string, string> => {
    const env = get(services, service, 'environment');
    const entries = Array.isArray(env)
      ? env.map((e) => text(e).split(/=(.*)/s).slice(0, 2))
      : Object.entries(isMap(env) ? env : {}).map(([k, v]) => [k, text(v)]);
    return Object.fromEntries(entries.map(([k = '', v = '']) => [k, interpolate(v)]));
  };
  const healthcheckOf = (service: string) => listAt(services, service, 'healthcheck', 'test').map(text).join(' ');

  it('has the tested topology: PostgreSQL, Temporal with schema setup, its UI, the API and two workers', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['api', 'postgresql', 'temporal', 'temporal-schema', 'temporal-setup', 'temporal-ui', 'worker'].sort(),
    );
    expect(get(services, 'worker', 'deploy', 'replicas')).toBe(2);
    for (const role of ['api', 'worker']) {
      expect(text(get(services, role, 'build', 'context'))).toBe('../..');
      expect(path.join(repoRoot, text(get(services, role, 'build', 'dockerfile')))).toBe(
        path.join(repoRoot, deployDir, 'Dockerfile'),
      );
    }
  });

  it('gives the API and the workers only variables the configuration reads, and they load', () => {
    for (const role of ['api', 'worker']) {
      const env = environmentOf(role);
      for (const name of Object.keys(env)) expect(known, `${role}: ${name}`).toContain(name);
      const config = configWith(env);
      // They talk to the compose Temporal service, never to an embedded dev server.
      expect(config.devServer.enabled).toBe(false);
      expect(Object.keys(services)).toContain(config.temporal.address.split(':')[0]);
      expect(config.temporal.address.split(':')[1]).toBe('7233');
    }
  });

  it('checks the API on its health route and the port it listens on, and publishes that port', () => {
    const config = configWith({ ...interpolateImageDefaults(), ...environmentOf('api') });
    expect(config.api.host).toBe('0.0.0.0');
    expect(healthcheckOf('api')).toContain(`http://127.0.0.1:${config.api.port}${healthPath()}`);
    expect(listAt(services, 'api', 'ports').map(text)).toContain(`${config.api.port}:${config.api.port}`);
  });

  it("checks a worker on its Temporal runtime's metrics endpoint (it serves no /healthz)", () => {
    const config = configWith(environmentOf('worker'));
    const [host, port] = (config.worker.metricsAddress ?? '').split(':');
    expect(host).toBe('0.0.0.0');
    expect(healthcheckOf('worker')).toContain(`http://127.0.0.1:${port}/metrics`);
  });

  it('starts the roles with npm scripts that exist', () => {
    expect(npmScriptOf(get(services, 'api', 'command'))).toBe('api');
    expect(npmScriptOf(get(services, 'worker', 'command'))).toBe('worker');
    for (const role of ['api', 'worker']) expect(scripts).toContain(npmScriptOf(get(services, role, 'command')));
  });

  it('orders start-up with conditions that can be met', () => {
    for (const [name, service] of Object.entries(services)) {
      const dependsOn = get(service, 'depends_on');
      for (const [target, dependency] of Object.entries(isMap(dependsOn) ? dependsOn : {})) {
        expect(Object.keys(services), `${name} depends on ${target}`).toContain(target);
        const condition = text(get(dependency, 'condition'));
        expect(['service_started', 'service_healthy', 'service_completed_successfully']).toContain(condition);
        if (condition === 'service_healthy') expect(get(services, target, 'healthcheck'), target).toBeDefined();
      }
    }
    // Schema before the server, the namespace and search attributes before the pipeline.
    expect(get(services, 'temporal', 'depends_on', 'temporal-schema', 'condition')).toBe(
      'service_completed_successfully',
    );
    for (const role of ['api', 'worker'])
      expect(get(services, role, 'depends_on', 'temporal-setup', 'condition')).toBe('service_completed_successfully');
  });

  it('runs the pinned Temporal version on PostgreSQL, with visibility on PostgreSQL too', () => {
    expect(imageTag(get(services, 'temporal', 'image'))).toEqual({ name: 'temporalio/server', tag: temporal.server });
    for (const tool of ['temporal-schema', 'temporal-setup']) {
      const { name, tag } = imageTag(get(services, tool, 'image'));
      expect(name).toBe('temporalio/admin-tools');
      expect(tag.startsWith(`${temporal.server}-`) || tag === temporal.server).toBe(true);
    }
    expect(imageTag(get(services, 'temporal-ui', 'image'))).toEqual({ name: 'temporalio/ui', tag: temporal.ui });
    const server = environmentOf('temporal');
    expect(server.DB).toBe('postgres12');
    const schema = listAt(services, 'temporal-schema', 'command').map(text).join('\n');
    for (const db of [server.DBNAME, server.VISIBILITY_DBNAME])
      expect(schema).toContain(`--database ${db} setup-schema`);
    expect(schema).toContain('/etc/temporal/schema/postgresql/v12/visibility/versioned');
  });

  it('prepares the namespace with the shared setup script', () => {
    const volume = listAt(services, 'temporal-setup', 'volumes').map(text)[0] ?? '';
    const [source = ''] = volume.split(':');
    expect(path.resolve(repoRoot, deployDir, source)).toBe(path.join(repoRoot, setupScript));
    expect(environmentOf('temporal-setup').TEMPORAL_NAMESPACE).toBe(
      configWith(environmentOf('worker')).temporal.namespace,
    );
  });
});

/** What the image sets; compose and Kubernetes add their environment on top. */
function interpolateImageDefaults(): Record<string, string> {
  const dockerfile = read(`${deployDir}/Dockerfile`).replace(/\\\n/g, ' ');
  const env = [...dockerfile.matchAll(/^ENV\s+(.*)$/gm)].map((m) => m[1] ?? '').join(' ');
  return Object.fromEntries([...env.matchAll(/(\w+)=(\S+)/g)].map(([, k, v]) => [k ?? '', v ?? '']));
}

describe('Kubernetes manifests', () => {
  let kustomization: YamlMap;
  let objects: YamlMap[];
  let sharedEnv: Record<string, string>;
  let temporal: Awaited<ReturnType<typeof pinnedTemporal>>;
  beforeAll(async () => {
    kustomization = await parseYamlMap(read(`${k8sDir}/kustomization.yaml`));
    objects = [];
    for (const file of listAt(kustomization, 'resources').map(text)) {
      for (const doc of await parseYamlDocuments(read(`${k8sDir}/${file}`))) if (isMap(doc)) objects.push(doc);
    }
    const generator = listAt(kustomization, 'configMapGenerator').find((g) => get(g, 'name') === 'bugfix-config');
    sharedEnv = Object.fromEntries(listAt(generator, 'literals').map((l) => text(l).split(/=(.*)/s).slice(0, 2)));
    temporal = await pinnedTemporal();
  });

  const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const named = (kind: string, name: string) => {
    const found = ofKind(kind).find((o) => get(o, 'metadata', 'name') === name);
    if (!found) throw new Error(`no ${kind} ${name}`);
    return found;
  };
  const podSpec = (deployment: YamlMap) => mapAt(deployment, 'spec', 'template', 'spec');
  const containersOf = (deployment: YamlMap) => listAt(podSpec(deployment), 'containers').filter(isMap);
  const labelsMatch = (selector: YamlValue | undefined, labels: YamlValue | undefined) =>
    isMap(selector) && isMap(labels) && Object.entries(selector).every(([k, v]) => labels[k] === v);
  const portOf = (container: YamlMap, port: YamlValue | undefined) =>
    typeof port === 'number'
      ? port
      : get(
          listAt(container, 'ports').find((p) => get(p, 'name') === port),
          'containerPort',
        );
  /** A container's environment as the process sees it: the shared ConfigMap, then its own `env`. */
  const environmentOf = (container: YamlMap): Record<string, string> => {
    const env: Record<string, string> = {};
    for (const from of listAt(container, 'envFrom'))
      if (get(from, 'configMapRef', 'name') === 'bugfix-config') Object.assign(env, sharedEnv);
    for (const entry of listAt(container, 'env')) {
      const name = text(get(entry, 'name'));
      env[name] = get(entry, 'valueFrom', 'secretKeyRef')
        ? 'placeholder-secret-0123456789abcdef0123456789'
        : text(get(entry, 'value'));
    }
    return env;
  };
  const apiContainer = () => containersOf(named('Deployment', 'bugfix-api'))[0] ?? {};
  const workerContainer = () => containersOf(named('Deployment', 'bugfix-worker'))[0] ?? {};

  it('lists files that exist, and ships no Secret with values', () => {
    for (const file of listAt(kustomization, 'resources').map(text))
      expect(existsSync(path.join(repoRoot, k8sDir, file))).toBe(true);
    for (const generator of listAt(kustomization, 'configMapGenerator'))
      for (const file of listAt(generator, 'files').map(text))
        expect(existsSync(path.join(repoRoot, k8sDir, file))).toBe(true);
    expect(ofKind('Secret')).toEqual([]);
    expect(ofKind('Deployment').map((d) => get(d, 'metadata', 'name'))).toEqual(['bugfix-api', 'bugfix-worker']);
  });

  it('uses only variable names the configuration reads, tokens from the Secret under their own names', () => {
    for (const name of Object.keys(sharedEnv)) expect(known, `ConfigMap ${name}`).toContain(name);
    for (const deployment of ofKind('Deployment')) {
      for (const container of containersOf(deployment)) {
        for (const entry of listAt(container, 'env')) {
          const name = text(get(entry, 'name'));
          expect(known, `${text(get(deployment, 'metadata', 'name'))}: ${name}`).toContain(name);
          const ref = get(entry, 'valueFrom', 'secretKeyRef');
          if (ref) expect([get(ref, 'name'), get(ref, 'key')]).toEqual(['bugfix-secrets', name]);
        }
      }
    }
  });

  it('gives every Deployment probes, resources, a locked-down securityContext, its volumes and a PDB', () => {
    for (const deployment of ofKind('Deployment')) {
      const name = text(get(deployment, 'metadata', 'name'));
      const pod = podSpec(deployment);
      const labels = get(deployment, 'spec', 'template', 'metadata', 'labels');
      expect(labelsMatch(get(deployment, 'spec', 'selector', 'matchLabels'), labels), name).toBe(true);
      expect(get(pod, 'securityContext', 'runAsNonRoot'), name).toBe(true);
      const volumes = listAt(pod, 'volumes').map((v) => get(v, 'name'));
      for (const container of [...listAt(pod, 'initContainers'), ...listAt(pod, 'containers')].filter(isMap)) {
        const where = `${name}/${text(container.name)}`;
        for (const kind of ['requests', 'limits'])
          for (const resource of ['cpu', 'memory'])
            expect(get(container, 'resources', kind, resource), `${where} ${kind}.${resource}`).toBeDefined();
        expect(get(container, 'securityContext', 'allowPrivilegeEscalation'), where).toBe(false);
        expect(get(container, 'securityContext', 'readOnlyRootFilesystem'), where).toBe(true);
        for (const mount of listAt(container, 'volumeMounts')) expect(volumes, where).toContain(get(mount, 'name'));
      }
      for (const container of containersOf(deployment)) {
        for (const probe of ['livenessProbe', 'readinessProbe']) {
          const spec = mapAt(container, probe);
          const port = get(spec, 'httpGet', 'port') ?? get(spec, 'tcpSocket', 'port');
          expect(portOf(container, port), `${name} ${probe} port`).toEqual(expect.any(Number));
        }
      }
      const budgets = ofKind('PodDisruptionBudget').filter((pdb) =>
        labelsMatch(get(pdb, 'spec', 'selector', 'matchLabels'), labels),
      );
      expect(budgets, `PodDisruptionBudget of ${name}`).toHaveLength(1);
    }
  });

  it('runs the roles with npm scripts that exist', () => {
    expect(npmScriptOf(get(apiContainer(), 'args'))).toBe('api');
    expect(npmScriptOf(get(workerContainer(), 'args'))).toBe('worker');
    for (const role of [apiContainer(), workerContainer()]) expect(scripts).toContain(npmScriptOf(get(role, 'args')));
  });

  it('probes the API on its health route and listening port, and the Service reaches it', () => {
    const container = apiContainer();
    const config = configWith({ ...interpolateImageDefaults(), ...environmentOf(container) });
    expect(config.api.host).toBe('0.0.0.0');
    expect(config.devServer.enabled).toBe(false);
    const readiness = mapAt(container, 'readinessProbe', 'httpGet');
    expect(readiness.path).toBe(healthPath());
    expect(portOf(container, readiness.port)).toBe(config.api.port);
    const service = named('Service', 'bugfix-api');
    expect(
      labelsMatch(
        get(service, 'spec', 'selector'),
        get(named('Deployment', 'bugfix-api'), 'spec', 'template', 'metadata', 'labels'),
      ),
    ).toBe(true);
    expect(portOf(container, get(service, 'spec', 'ports', 0, 'targetPort'))).toBe(config.api.port);
  });

  it('probes a worker on the metrics endpoint it is configured to serve', () => {
    const container = workerContainer();
    const config = configWith({ ...interpolateImageDefaults(), ...environmentOf(container) });
    const [host, port] = (config.worker.metricsAddress ?? '').split(':');
    expect(host).toBe('0.0.0.0');
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      const spec = mapAt(container, probe, 'httpGet');
      expect(spec.path).toBe('/metrics');
      expect(portOf(container, spec.port)).toBe(Number(port));
    }
    // Clones and Claude Code's homes go to writable scratch volumes, not the read-only root.
    const mounts = listAt(container, 'volumeMounts').map((m) => text(get(m, 'mountPath')));
    expect(mounts).toContain('/tmp');
    expect(mounts).toContain(path.dirname(config.git.cacheDir));
  });

  it("scales the workers on the backlog of the task queues they poll (KEDA's temporal scaler)", () => {
    const config = configWith({ ...interpolateImageDefaults(), ...environmentOf(workerContainer()) });
    // The shipped settings keep the configuration's default queue.
    expect(config.temporal.taskQueue).toBe(defaults.temporal.taskQueue);
    const scaled = named('ScaledObject', 'bugfix-worker');
    expect(get(scaled, 'spec', 'scaleTargetRef', 'name')).toBe('bugfix-worker');
    const triggers = listAt(scaled, 'spec', 'triggers').filter(isMap);
    for (const trigger of triggers) {
      expect(trigger.type).toBe('temporal');
      expect(get(trigger, 'metadata', 'endpoint')).toBe(config.temporal.address);
      expect(get(trigger, 'metadata', 'namespace')).toBe(config.temporal.namespace);
    }
    const byQueue = new Map(triggers.map((t) => [text(get(t, 'metadata', 'taskQueue')), mapAt(t, 'metadata')]));
    expect([...byQueue.keys()].sort()).toEqual(
      [config.temporal.taskQueue, claudeTaskQueue(config.temporal.taskQueue)].sort(),
    );
    // One replica per this many waiting tasks: what one worker takes on at once.
    expect(Number(byQueue.get(config.temporal.taskQueue)?.targetQueueSize)).toBe(config.worker.maxConcurrentActivities);
    const claude = byQueue.get(claudeTaskQueue(config.temporal.taskQueue));
    expect(Number(claude?.targetQueueSize)).toBe(config.claude.maxConcurrent);
    expect(claude?.queueTypes).toBe('activity');
  });

  it('sets up the namespace with the pinned admin tools and the shared script', () => {
    const pod = podSpec(named('Deployment', 'bugfix-worker'));
    const init = listAt(pod, 'initContainers').filter(isMap)[0] ?? {};
    const { name, tag } = imageTag(init.image);
    expect(name).toBe('temporalio/admin-tools');
    expect(tag.startsWith(`${temporal.server}-`)).toBe(true);
    const volume = listAt(pod, 'volumes').find((v) => get(v, 'configMap'));
    const generator = listAt(kustomization, 'configMapGenerator').find(
      (g) => get(g, 'name') === get(volume, 'configMap', 'name'),
    );
    expect(listAt(generator, 'files').map(text)).toEqual([path.basename(setupScript)]);
  });

  it("Temporal's Helm values: the pinned server and UI, PostgreSQL for both stores, passwords from a Secret", async () => {
    const values = await parseYamlMap(read(`${deployDir}/k8s/temporal/values.yaml`));
    expect(get(values, 'server', 'image', 'tag')).toBe(temporal.server);
    expect(text(get(values, 'admintools', 'image', 'tag')).startsWith(`${temporal.server}-`)).toBe(true);
    expect(get(values, 'web', 'image', 'tag')).toBe(temporal.ui);
    const stores = ['default', 'visibility'].map((store) => mapAt(values, 'server', 'config', 'persistence', store));
    for (const store of stores) {
      expect(store.driver).toBe('sql');
      expect(get(store, 'sql', 'driver')).toBe('postgres12');
      expect(get(store, 'sql', 'existingSecret')).toEqual(expect.any(String));
      expect(get(store, 'sql', 'password')).toBeUndefined();
    }
    expect(get(stores[0], 'sql', 'database')).not.toBe(get(stores[1], 'sql', 'database'));
    expect(listAt(values, 'server', 'config', 'namespaces', 'namespace').map((n) => get(n, 'name'))).toContain(
      sharedEnv.TEMPORAL_NAMESPACE,
    );
  });
});

describe('the namespace setup script', () => {
  it('registers exactly the search attributes runs set', () => {
    expect(scriptAttributes(read(setupScript))).toEqual(projectAttributes);
  });

  const temporalAddress = inject('temporalAddress');
  it.skipIf(!temporalAddress)(
    'creates a namespace with them on a real Temporal server, and is safe to run again',
    async () => {
      const { cli } = await pinnedTemporal();
      // The script calls `temporal`; the pinned CLI may be named otherwise (TEMPORAL_CLI_PATH). The environment
      // is only what the script is given in a container, without HOME (a uid with no passwd entry has none).
      const bin = await mkdtemp(path.join(os.tmpdir(), 'temporal-bin-'));
      const namespace = `deploy-setup-${randomUUID().slice(0, 8)}`;
      try {
        await symlink(cli, path.join(bin, 'temporal'));
        const env = {
          PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
          TEMPORAL_ADDRESS: temporalAddress,
          TEMPORAL_NAMESPACE: namespace,
        };
        for (let run = 0; run < 2; run++) {
          const { stdout } = await execFileAsync('sh', [path.join(repoRoot, setupScript)], { env, timeout: 45_000 });
          expect(stdout).toContain(`Namespace ${namespace} is ready`);
        }
        const connection = await Connection.connect({ address: temporalAddress });
        try {
          const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
          // Temporal's IndexedValueType numbers (temporal.api.enums.v1).
          const types: Record<number, string> = {
            1: 'TEXT',
            2: 'KEYWORD',
            3: 'INT',
            4: 'DOUBLE',
            5: 'BOOL',
            6: 'DATETIME',
            7: 'KEYWORDLIST',
          };
          const registered = Object.entries(customAttributes ?? {})
            .filter(([name]) => name.startsWith('Bugfix'))
            .map(([name, type]) => `${name}:${types[Number(type)]}`)
            .sort();
          expect(registered).toEqual(projectAttributes);
        } finally {
          await connection.close();
        }
      } finally {
        await rm(bin, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
