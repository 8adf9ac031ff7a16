/** Writing responses: JSON bodies, errors, and JSON-lines progress streams. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ForgeError, toForgeError } from '../errors';
import type { ProgressEvent } from '../util/progress';
import { errorBody } from './http-errors';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown): void {
  const { status, body } = errorBody(err);
  if (res.headersSent) {
    res.destroy(toForgeError(err));
    return;
  }
  sendJson(res, status, body);
}

export function sendNoContent(res: ServerResponse): void {
  res.writeHead(204);
  res.end();
}

/**
 * Streams progress as JSON lines (Docker's format). Errors after the stream started go in the
 * stream as a final `{error, errorDetail}` line, since the status is already sent.
 */
export async function streamProgress<T>(
  res: ServerResponse,
  work: (emit: (event: ProgressEvent) => void) => Promise<T>,
  final?: (result: T) => ProgressEvent | undefined,
): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  const emit = (event: ProgressEvent) => {
    if (!res.writableEnded) res.write(JSON.stringify(event) + '\n');
  };
  try {
    const result = await work(emit);
    const last = final?.(result);
    if (last) emit(last);
  } catch (err) {
    const e = toForgeError(err);
    emit({ error: e.message, errorDetail: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) }, status: 'error' });
  }
  res.end();
}

/** Reads a JSON request body (bounded), returning {} for an empty one. */
export async function readJson(req: IncomingMessage, limit = 1024 * 1024): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw Object.assign(new Error('request body too large'), { code: 'EINVAL' });
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch (err) {
    throw new ForgeError('InvalidArgument', `request body is not a JSON object: ${(err as Error).message}`);
  }
}

export function boolParam(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  return v === '1' || v === 'true' || v === 'True';
}
