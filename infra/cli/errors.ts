import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ConfigError } from '../platform/config/load-config';

/** Exit codes scripts can rely on. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** The run does not exist, or the request was refused (already decided, still running, step never ran). */
  refused: 3,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI reports as one clear line, with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly details?: Record<string, unknown>,
    /** `printed`: the command has already said it all (its own output is the report); only the exit code is left. */
    readonly options: { printed?: boolean } = {},
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const refused = (message: string, details?: Record<string, unknown>) =>
  new CliError(message, EXIT.refused, details);

/** Maps what the SDK throws to what the operator should read. */
export function toCliError(err: unknown): CliError {
  if (err instanceof CliError) return err;
  if (err instanceof ConfigError) return new CliError(err.message, EXIT.usage);
  if (err instanceof WorkflowNotFoundError)
    return refused(`No such run: ${err.workflowId ?? ''}${err.runId ? ` (run ${err.runId})` : ''}`.trim());
  if (err instanceof WorkflowUpdateFailedError)
    return refused(`Refused by the run: ${err.cause?.message ?? err.message}`);
  // gRPC NOT_FOUND without the SDK's wrapper (e.g. reset or history of an unknown id).
  if (isGrpcNotFound(err)) return refused((err as Error).message);
  return new CliError(messageChain(err), EXIT.failure);
}

/** The message with its causes: the SDK's own ("Failed to query Workflow") says little without them. */
function messageChain(err: unknown): string {
  const parts: string[] = [];
  for (let e = err; e instanceof Error && parts.length < 4; e = e.cause)
    if (e.message && !parts.includes(e.message)) parts.push(e.message);
  return parts.join(': ') || String(err);
}

function isGrpcNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 5;
}
