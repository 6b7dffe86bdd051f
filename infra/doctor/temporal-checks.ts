import { Client, Connection } from '@temporalio/client';
import type { Config } from '../platform/config/load-config';
import { connectionOptions } from '../platform/temporal-connection';
import { workerPresence } from '../platform/worker-presence';
import { grpcCause } from '../platform/grpc-status';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/domain/search-attributes';
import { claudeTaskQueue } from '../../workflows/domain/task-queues';
import { dependsOn, fail, messageOf, ok, warn, type CheckContext, type DoctorCheck } from './check';

const GRPC_NOT_FOUND = 5;
const GRPC_PERMISSION_DENIED = 7;

const where = (config: Config) => `${config.temporal.address} (namespace ${config.temporal.namespace})`;
const ADDRESS_HINT =
  'start it (npm start runs the embedded dev server) or set TEMPORAL_ADDRESS (and TEMPORAL_API_KEY / TEMPORAL_TLS_* for a cluster)';

/** One connection for the group, with a short connect deadline. */
function connection(ctx: CheckContext): Promise<Connection> {
  return ctx.shared(
    'temporal.connection',
    async (signal) => {
      const options = await connectionOptions(ctx.config.temporal);
      // Inside the check's deadline, so an unreachable server is reported as such rather than as a timeout.
      const conn = await Connection.connect({ ...options, connectTimeout: Math.round(ctx.timeoutMs * 0.7) });
      if (signal.aborted) throw signal.reason;
      return conn;
    },
    (conn) => conn.close(),
  );
}

/** The group's checks after `temporal.reachable`: they need the connection. */
async function connected(ctx: CheckContext): Promise<Connection | undefined> {
  return connection(ctx).catch(() => undefined);
}

export function temporalChecks(): DoctorCheck[] {
  return [
    {
      id: 'temporal.reachable',
      group: 'temporal',
      fast: true,
      timeoutHint: ADDRESS_HINT,
      async run(ctx) {
        try {
          const conn = await connection(ctx);
          const info = await conn.withAbortSignal(ctx.signal, () => conn.workflowService.getSystemInfo({}));
          return ok(`${ctx.config.temporal.address} answered (server ${info.serverVersion || 'version unknown'})`);
        } catch (err) {
          return fail(`cannot reach Temporal at ${ctx.config.temporal.address}: ${messageOf(err)}`, ADDRESS_HINT);
        }
      },
    },
    {
      id: 'temporal.namespace',
      group: 'temporal',
      fast: true,
      timeoutHint: ADDRESS_HINT,
      async run(ctx) {
        const conn = await connected(ctx);
        if (!conn) return dependsOn('temporal.reachable');
        const { namespace } = ctx.config.temporal;
        try {
          const described = await conn.withAbortSignal(ctx.signal, () =>
            conn.workflowService.describeNamespace({ namespace }),
          );
          const days = Number(described.config?.workflowExecutionRetentionTtl?.seconds ?? 0) / 86_400;
          const retention = days ? ` (retention ${Math.round(days)} day${Math.round(days) === 1 ? '' : 's'})` : '';
          return ok(`namespace ${namespace} exists${retention}`);
        } catch (err) {
          if (grpcCause(err)?.code === GRPC_NOT_FOUND)
            return fail(
              `namespace ${namespace} does not exist on ${ctx.config.temporal.address}`,
              `create it (temporal operator namespace create --namespace ${namespace}) or set TEMPORAL_NAMESPACE`,
            );
          return fail(`describe namespace ${namespace}: ${messageOf(err)}`, 'check TEMPORAL_API_KEY / TEMPORAL_TLS_*');
        }
      },
    },
    {
      id: 'temporal.search-attributes',
      group: 'temporal',
      fast: true,
      timeoutHint: ADDRESS_HINT,
      async run(ctx) {
        const conn = await connected(ctx);
        if (!conn) return dependsOn('temporal.reachable');
        const { namespace } = ctx.config.temporal;
        try {
          const { customAttributes } = await conn.withAbortSignal(ctx.signal, () =>
            conn.operatorService.listSearchAttributes({ namespace }),
          );
          const missing = ALL_SEARCH_ATTRIBUTES.filter((key) => !(key.name in (customAttributes ?? {})));
          if (!missing.length) return ok(`all ${ALL_SEARCH_ATTRIBUTES.length} search attributes registered`);
          return fail(
            `missing on ${namespace}: ${missing.map((k) => k.name).join(', ')} (runs that set them cannot progress)`,
            `npm start registers them; or: ${missing.map((k) => `temporal operator search-attribute create --namespace ${namespace} --name ${k.name} --type ${k.type}`).join('; ')}`,
          );
        } catch (err) {
          // Temporal Cloud keeps the operator API from some keys: a caveat, not a broken setup.
          if (grpcCause(err)?.code === GRPC_PERMISSION_DENIED)
            return warn(
              `cannot list the search attributes of ${namespace}: ${messageOf(err)}`,
              `make sure ${ALL_SEARCH_ATTRIBUTES.map((k) => `${k.name} (${k.type})`).join(', ')} are registered`,
            );
          return fail(`list search attributes of ${namespace}: ${messageOf(err)}`, ADDRESS_HINT);
        }
      },
    },
    {
      id: 'temporal.workers',
      group: 'temporal',
      fast: true,
      timeoutHint: ADDRESS_HINT,
      async run(ctx) {
        const conn = await connected(ctx);
        if (!conn) return dependsOn('temporal.reachable');
        const { namespace, taskQueue } = ctx.config.temporal;
        // The same reading as `bugfix status` and /healthz: a poller seen within the last minute is alive.
        const client = new Client({ connection: conn, namespace });
        const presence = await Promise.all(
          [taskQueue, claudeTaskQueue(taskQueue)].map((q) =>
            conn.withAbortSignal(ctx.signal, () => workerPresence(client, q)),
          ),
        );
        const idle = presence.filter((p) => p.pollers === 0);
        if (!idle.length)
          return ok(
            `workers polling ${taskQueue} (${presence[0]!.pollers}) and ${claudeTaskQueue(taskQueue)} (${presence[1]!.pollers})`,
          );
        return warn(
          `${idle.map((p) => p.message).join('; ')} on ${where(ctx.config)}: alerts would wait`,
          'start a worker (npm start or npm run worker) with the same TEMPORAL_TASK_QUEUE; fine before the workers start',
        );
      },
    },
  ];
}
