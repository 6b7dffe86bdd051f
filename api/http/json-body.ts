import { HttpError } from './http-error';

/** Deeper than any webhook we accept; a body nested beyond it is refused before JSON.parse builds it. */
export const MAX_JSON_DEPTH = 64;

/** A raw body (kept raw for its signature) as JSON; 400 `malformed_json` when it is not, `too_deep` when nested past MAX_JSON_DEPTH. */
export function jsonOf(raw: Buffer): unknown {
  const depth = nestingDepth(raw, MAX_JSON_DEPTH);
  if (depth > MAX_JSON_DEPTH)
    throw new HttpError(400, 'too_deep', `Body nests objects or arrays deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'malformed_json', 'Body is not valid JSON');
  }
}

/**
 * The deepest nesting of `{`/`[` outside strings, stopping once past `limit`: one linear pass over
 * the bytes, so a hostile body costs microseconds per kilobyte, never a long parse.
 */
function nestingDepth(raw: Buffer, limit: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return depth;
}
