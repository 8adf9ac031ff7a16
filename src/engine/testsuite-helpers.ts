/** Small helpers of the engine conformance suite (testsuite.ts). */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { isForgeError, type ErrorCode, type ForgeError } from '../errors';

export function collector(): { stream: Writable; text(): string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      cb();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Polls `check` until it holds, failing after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Whether `p` settles within `ms` (its rejection is swallowed). */
export async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    p.then(() => true, () => true),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms))),
  ]);
  clearTimeout(timer);
  return settled;
}

export async function expectForgeError(p: Promise<unknown>, code?: ErrorCode, what = 'the call'): Promise<ForgeError> {
  try {
    await p;
  } catch (err) {
    assert.ok(isForgeError(err), `expected a ForgeError, got ${String(err)}`);
    if (code) assert.equal(err.code, code, `${what}: ${err.message}`);
    return err;
  }
  return assert.fail(`${what}: expected a ForgeError${code ? ` ${code}` : ''}, but it succeeded`);
}
