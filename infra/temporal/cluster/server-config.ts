/**
 * The cluster's server configuration, as the server module's config/development-postgres12.yaml
 * but with our ports, no metrics or pprof listeners, and archival off. Pure, so a test can read it.
 */
export const SERVICES = ['history', 'matching', 'frontend', 'worker'] as const;
export type Service = (typeof SERVICES)[number];

export interface ClusterPorts {
  postgres: number;
  frontend: number;
  frontendHttp: number;
  /** gRPC and membership (ringpop) port of each service. */
  services: Record<Service, { grpc: number; membership: number }>;
}

/** Ports from a base: the frontend on `base`, as 7233 is by default, the rest after it. */
export function clusterPorts(base: number, postgres: number): ClusterPorts {
  return {
    postgres,
    frontend: base,
    frontendHttp: base + 10,
    services: {
      frontend: { grpc: base, membership: base + 100 },
      history: { grpc: base + 1, membership: base + 101 },
      matching: { grpc: base + 2, membership: base + 102 },
      worker: { grpc: base + 6, membership: base + 106 },
    },
  };
}

export function clusterServerConfig(opts: {
  ports: ClusterPorts;
  dbUser: string;
  dbPassword: string;
  logLevel: string;
  dynamicConfigFile: string;
}): object {
  const sql = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `127.0.0.1:${opts.ports.postgres}`,
      connectProtocol: 'tcp',
      user: opts.dbUser,
      password: opts.dbPassword,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const rpc = (service: Service) => ({
    rpc: {
      grpcPort: opts.ports.services[service].grpc,
      membershipPort: opts.ports.services[service].membership,
      bindOnLocalHost: true,
      ...(service === 'frontend' ? { httpPort: opts.ports.frontendHttp } : {}),
    },
  });
  return {
    log: { stdout: true, level: opts.logLevel },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      // Shards are fixed for a cluster's life; 4 suits one machine (production sizes this up front).
      numHistoryShards: 4,
      datastores: { 'postgres-default': sql('temporal', 20), 'postgres-visibility': sql('temporal_visibility', 10) },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: Object.fromEntries(
      (['frontend', 'history', 'matching', 'worker'] as const).map((s) => [s, rpc(s)] as const),
    ),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `localhost:${opts.ports.frontend}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
    dynamicConfigClient: { filepath: opts.dynamicConfigFile, pollInterval: '10s' },
  };
}

/** What the CLI's dev server turns on that the pipeline relies on (updates, search attributes usable at once). */
export function clusterDynamicConfig(): Record<string, { value: unknown; constraints: object }[]> {
  const on = (value: unknown) => [{ value, constraints: {} }];
  return {
    'frontend.enableUpdateWorkflowExecution': on(true),
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted': on(true),
    'system.forceSearchAttributesCacheRefreshOnRead': on(true),
    'system.enableEagerWorkflowStart': on(true),
  };
}
