import { HttpError } from './http-error';

/** A raw body (kept raw for its signature) as JSON; 400 `malformed_json` when it is not. */
export function jsonOf(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'malformed_json', 'Body is not valid JSON');
  }
}
