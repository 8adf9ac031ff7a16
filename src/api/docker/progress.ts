/**
 * Docker's JSON progress stream (pull, push): the runtime's progress events pass through as they
 * are, except errors, whose `errorDetail.code` Docker clients decode as a number: a failure after
 * the status line is one final `{"errorDetail":{"message"},"error"}` line; one before it is an
 * ordinary error response.
 */
import type { ServerResponse } from 'node:http';
import { dockerErrorBody } from './route';
import type { ProgressEvent } from '../../util/progress';

export async function dockerProgress<T>(res: ServerResponse, work: (emit: (event: ProgressEvent) => void) => Promise<T>, final?: (result: T) => ProgressEvent): Promise<void> {
  // The status line waits for the first event: a failure before any progress (a bad reference,
  // no such local image to push) is answered with its own status, as dockerd does.
  const line = (o: object) => {
    if (!res.headersSent) res.writeHead(200, { 'Content-Type': 'application/json' });
    if (!res.writableEnded) res.write(JSON.stringify(o) + '\n');
  };
  const emit = (e: ProgressEvent) => {
    if (e.error !== undefined) line({ errorDetail: { message: e.error }, error: e.error });
    else line({ status: e.status, ...(e.id ? { id: e.id } : {}), ...(e.progressDetail ? { progressDetail: e.progressDetail } : {}), ...(e.aux ? { aux: e.aux } : {}) });
  };
  try {
    const result = await work(emit);
    if (final) emit(final(result));
    if (!res.headersSent) res.writeHead(200, { 'Content-Type': 'application/json' });
  } catch (err) {
    if (!res.headersSent) throw err;
    const { message } = dockerErrorBody(err).body;
    line({ errorDetail: { message }, error: message });
  }
  res.end();
}
