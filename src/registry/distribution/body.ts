/** Reading registry response bodies with a size bound, and discarding the ones nobody reads. */
import type { Readable } from 'node:stream';
import { ForgeError } from '../../errors';

/** Reads a whole body; more than `maxBytes` is refused (a registry cannot make us buffer a layer). */
export async function readBody(body: Readable, maxBytes: number, what = 'response'): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      throw new ForgeError('InvalidArgument', `${what} is larger than ${maxBytes} bytes`, { details: { maxBytes } });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Error bodies and token responses: small, so read at most 1 MiB as text. */
export async function readText(body: Readable, maxBytes = 1024 * 1024): Promise<string> {
  return (await readBody(body, maxBytes)).toString('utf8');
}

/** Drains a body we do not need, so its connection goes back to the pool; never throws. */
export async function discard(body: Readable & { dump?: () => Promise<void> }): Promise<void> {
  try {
    if (body.dump) await body.dump();
    else body.resume();
  } catch {
    // a broken connection is simply not reused
  }
}
