import {
  QueryNotRegisteredError,
  WorkflowNotFoundError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { NamespaceNotFoundError } from '@temporalio/common';
import { CliError, EXIT, refused } from './errors';
import { grpcCause, noPollerSeen } from '../platform/grpc-status';

/** The server the CLI talks to, as the operator configured it: what the messages name. */
export interface TemporalTarget {
  address: string;
  namespace: string;
  taskQueue: string;
  timeoutMs: number;
  /** No TEMPORAL_ADDRESS: the embedded dev server that `npm start` runs. */
  embedded: boolean;
}

/** gRPC status codes (grpc.status), by name, for what the messages say. */
const CODE: Record<number, string> = {
  1: 'cancelled',
  2: 'unknown error',
  3: 'invalid argument',
  4: 'deadline exceeded',
  5: 'not found',
  7: 'permission denied',
  8: 'resource exhausted',
  9: 'failed precondition',
  12: 'unimplemented',
  13: 'internal error',
  14: 'unavailable',
  16: 'unauthenticated',
};

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** What to do when the server is not reachable at all. */
export function serverHint(t: TemporalTarget): string {
  return t.embedded
    ? '`npm start` starts the embedded one; TEMPORAL_ADDRESS points elsewhere'
    : 'check that the server at TEMPORAL_ADDRESS is up and the address is right (unset it to use the embedded dev server)';
}

/** Cannot connect: `cause` says how (connection refused, unknown host, no answer); `next`, what to do. */
export function unreachable(
  t: TemporalTarget,
  cause: string,
  next = `is the server running? ${serverHint(t)}`,
): CliError {
  return new CliError(`cannot reach Temporal at ${t.address} (${cause}): ${next}`, EXIT.failure, {
    cause,
    address: t.address,
  });
}

/**
 * The operator's reading of what the SDK threw: the cause, and the next step. Undefined for errors
 * that are not Temporal's (the caller keeps them).
 */
export function explainTemporalError(err: unknown, t: TemporalTarget): CliError | undefined {
  if (err instanceof CliError) return err;
  if (err instanceof WorkflowNotFoundError)
    return refused(
      `No such run: ${err.workflowId || '(no id)'}${err.runId ? ` (run ${err.runId})` : ''} in namespace ${t.namespace}: check the id with \`bugfix list\` (--any-prefix lists other deployments' runs too) and TEMPORAL_NAMESPACE`,
    );
  if (err instanceof NamespaceNotFoundError) return namespaceMissing(t, err.namespace);
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return noWorkerTook(t);
  if (err instanceof QueryNotRegisteredError)
    return new CliError(
      `The run does not know this query (${err.message}): it was started by a version of the pipeline without it; \`bugfix export-history\` shows what it recorded`,
      EXIT.failure,
    );
  const grpc = grpcCause(err);
  if (!grpc) return undefined;
  const name = CODE[grpc.code] ?? `gRPC status ${grpc.code}`;
  // A deadline's details are gRPC's timings: the name says it.
  const why = grpc.details && grpc.code !== 1 && grpc.code !== 4 ? `${name}: ${grpc.details}` : name;
  const fail = (message: string) => new CliError(message, EXIT.failure, { grpcCode: grpc.code });
  switch (grpc.code) {
    case 1:
    case 4:
      // The CLI's deadline (a stuck or overloaded server) surfaces as either code.
      return fail(
        `Temporal at ${t.address} gave no answer within ${seconds(t.timeoutMs)} (${why}): the server may be overloaded or stuck; check its health (the Web UI, its logs), or allow longer with --timeout or BUGFIX_CLI_TIMEOUT`,
      );
    case 14:
      return fail(`lost Temporal at ${t.address} (${why}): is the server still running? ${serverHint(t)}`);
    case 5:
      return /namespace/i.test(grpc.details)
        ? namespaceMissing(t, t.namespace)
        : refused(`Not found on Temporal at ${t.address} (${why}): check the id with \`bugfix list\``);
    case 7:
    case 16:
      return fail(
        `Temporal at ${t.address} refused the request (${why}): check TEMPORAL_API_KEY or the TLS client certificate (TEMPORAL_TLS_CERT_PATH, TEMPORAL_TLS_KEY_PATH), and that it may use namespace ${t.namespace}`,
      );
    case 9:
      if (noPollerSeen(grpc))
        return fail(
          `No worker answered (${why}): \`bugfix status <workflowId>\` says since when none polls the run's task queue; start a worker (\`npm start\` or \`npm run worker\`) and try again`,
        );
      return fail(`Temporal at ${t.address} refused the request in this state (${why}): see \`bugfix status\``);
    case 8:
      return fail(`Temporal at ${t.address} is rate limiting (${why}): wait a moment and try again`);
    case 3:
      return fail(
        `Temporal at ${t.address} rejected the request (${why}): ${
          /search attribute/i.test(grpc.details)
            ? "the pipeline's search attributes are not registered on this namespace: `npm start` or `npm run worker` registers them"
            : 'check the arguments (`bugfix <command> --help`)'
        }`,
      );
    case 12:
      return fail(
        `Temporal at ${t.address} does not support this call (${why}): the server is older than the SDK needs; upgrade it to 1.29 or later`,
      );
    default:
      return fail(`Temporal at ${t.address} failed the request (${why}): see the server's logs, and try again`);
  }
}

function namespaceMissing(t: TemporalTarget, namespace: string): CliError {
  return new CliError(
    `namespace "${namespace}" does not exist on Temporal at ${t.address}: set TEMPORAL_NAMESPACE to one that does (\`temporal operator namespace list\` lists them)${t.embedded ? '; `npm start` creates "default" on the embedded server' : ''}`,
    EXIT.usage,
  );
}

/** An update (the CLI's decisions) that no worker took in time. */
function noWorkerTook(t: TemporalTarget): CliError {
  return new CliError(
    `No worker took the decision within ${seconds(t.timeoutMs)}: \`bugfix status <workflowId>\` says whether a worker polls \`${t.taskQueue}\` and since when none has. The decision is not recorded (Temporal may still hand it to the run if a worker picks it up soon; deciding again is safe, a second decision is refused): start a worker (\`npm start\` or \`npm run worker\`) and check with \`bugfix status\``,
    EXIT.failure,
  );
}
