/** Which failures are worth another try: network hiccups and server overload, never a 4xx. */
import { ForgeError } from '../../errors';

const TRANSIENT_ERRNO = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

export function isTransientError(err: unknown): boolean {
  if (err instanceof ForgeError) {
    if (err.code !== 'Unavailable') return false;
    // Disk full is Unavailable too, but retrying it only burns time.
    return !isDiskFull(err);
  }
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_ERRNO.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

function isDiskFull(err: ForgeError): boolean {
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
