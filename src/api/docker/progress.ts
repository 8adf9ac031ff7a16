/**
 * Docker's JSON progress stream (pull, push): the runtime's progress events pass through as they
 * are, except errors, whose `errorDetail.code` Docker clients decode as a number: a failure after
 * the status line is one final `{"errorDetail":{"message"},"error"}` line.
 */
import type { ServerResponse } from 'node:http';
import { toForgeError } from '../../errors';
import type { ProgressEvent } from '../../util/progress';

export async function dockerProgress<T>(res: ServerResponse, work: (emit: (event: ProgressEvent) => void) => Promise<T>, final?: (result: T) => ProgressEvent): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.flushHeaders();
  const line = (o: object) => {
    if (!res.writableEnded) res.write(JSON.stringify(o) + '\n');
  };
  const emit = (e: ProgressEvent) => {
    if (e.error !== undefined) line({ errorDetail: { message: e.error }, error: e.error });
    else line({ status: e.status, ...(e.id ? { id: e.id } : {}), ...(e.progressDetail ? { progressDetail: e.progressDetail } : {}), ...(e.aux ? { aux: e.aux } : {}) });
  };
  try {
    const result = await work(emit);
    if (final) emit(final(result));
  } catch (err) {
    const e = toForgeError(err);
    const message = e.hint ? `${e.message} (${e.hint})` : e.message;
    line({ errorDetail: { message }, error: message });
  }
  res.end();
}
