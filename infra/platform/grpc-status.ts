/** gRPC statuses as the Temporal SDK surfaces them, for the CLI, the doctor and the ingress alike. */

/** The gRPC status under the SDK's wrappers (ServiceError and friends keep it as their cause). */
export function grpcCause(err: unknown): { code: number; details: string } | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 8; depth++) {
    const { code, details, cause } = e as { code?: unknown; details?: unknown; cause?: unknown };
    if (typeof code === 'number' && typeof details === 'string') return { code, details };
    e = cause;
  }
  return undefined;
}

/** The server's own FAILED_PRECONDITION (9) when no worker has polled the task queue lately. */
export function noPollerSeen(grpc: { code: number; details: string } | undefined): boolean {
  return grpc?.code === 9 && /no poller seen/i.test(grpc.details);
}
