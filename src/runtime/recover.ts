/**
 * Start-up recovery: brings the store back to what the database says after any stop, clean or
 * `kill -9`. The ingest area was emptied by the store's init; here index.json is rewritten from
 * the database and blobs that an interrupted pull committed but no image records are collected.
 */
import type { RuntimeContext } from './context';
import { syncIndex } from './sync-index';
import { collectGarbage } from './collect-garbage';

export async function recover(rt: RuntimeContext): Promise<void> {
  await syncIndex(rt);
  const gc = await collectGarbage(rt);
  if (gc.removed.length > 0) rt.logger.info('recovery removed blobs left by an interrupted operation', { count: gc.removed.length, bytes: gc.bytes });
}
