import { ApplicationFailure } from '@temporalio/common';
import { SlackFailureType } from '../../workflows/domain/failures';

export interface ActionResponse {
  text: string;
  /** Only the clicking user sees it; otherwise everyone in the channel does. */
  ephemeral: boolean;
  /** Replace the message whose button was clicked instead of adding one. */
  replaceOriginal?: boolean;
}

/**
 * Answers an interaction through its `response_url` (valid 30 minutes, 5 uses). Needs no token:
 * the URL itself is the credential, which is also why it is never logged.
 */
export async function respondToAction(
  responseUrl: string,
  response: ActionResponse,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<void> {
  if (!/^https?:\/\//.test(responseUrl)) {
    throw ApplicationFailure.create({
      type: SlackFailureType.RequestRejected,
      message: 'response_url is not an http(s) URL',
      nonRetryable: true,
    });
  }
  const body = {
    text: response.text,
    response_type: response.ephemeral ? 'ephemeral' : 'in_channel',
    replace_original: response.replaceOriginal ?? false,
  };
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  let res: Response;
  try {
    res = await fetch(responseUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
      redirect: 'error',
      signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
    });
  } catch (err) {
    throw ApplicationFailure.create({
      type: SlackFailureType.Unavailable,
      message: `response_url: ${(err as Error).message}`,
      cause: err as Error,
    });
  }
  const text = await res.text().catch(() => '');
  if (res.status === 429) {
    const after = Number.parseInt(res.headers.get('retry-after') ?? '', 10);
    throw ApplicationFailure.create({
      type: SlackFailureType.RateLimited,
      message: 'response_url: rate limited',
      nextRetryDelay: `${Number.isNaN(after) ? 1 : Math.max(1, after)}s`,
    });
  }
  if (res.status >= 500) {
    throw ApplicationFailure.create({
      type: SlackFailureType.Unavailable,
      message: `response_url: HTTP ${res.status}`,
    });
  }
  // Expired or used-up URLs answer 404 with a reason; retrying cannot bring them back.
  const error = res.ok ? platformError(text) : text.slice(0, 200) || `HTTP ${res.status}`;
  if (error) {
    throw ApplicationFailure.create({
      type: SlackFailureType.RequestRejected,
      message: `response_url: ${error}`,
      nonRetryable: true,
    });
  }
}

/** A 200 may still carry `{"ok":false,"error":...}`; a plain `ok` body is success. */
function platformError(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { ok?: boolean; error?: string };
    return parsed.ok === false ? (parsed.error ?? 'ok: false') : undefined;
  } catch {
    return undefined;
  }
}
