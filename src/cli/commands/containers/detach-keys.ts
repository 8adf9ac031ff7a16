/**
 * The detach key sequence of an interactive session (docker's `--detach-keys`, default
 * `ctrl-p,ctrl-q`): when the user types it, the CLI leaves and the container keeps running.
 * Bytes that start the sequence are held back until it is clear whether they complete it, so
 * a lone ctrl-p still reaches the container, and a sequence split across reads still detaches.
 */
import { ForgeError } from '../../../errors';

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

/** `ctrl-p,ctrl-q`, `ctrl-a,d`, `ctrl-@`, `ctrl-[` … → the bytes. */
export function parseDetachKeys(spec: string): Buffer {
  const bytes: number[] = [];
  for (const key of spec.split(',')) {
    if (key.length === 1) {
      bytes.push(key.charCodeAt(0));
      continue;
    }
    const m = /^ctrl-([a-z@[\\\]^_])$/.exec(key);
    if (!m) throw new ForgeError('InvalidArgument', `invalid detach key "${key}": use ctrl-<a-z @ [ \\ ] ^ _> or a single character, comma-separated`);
    const c = m[1]!;
    bytes.push(c >= 'a' && c <= 'z' ? c.charCodeAt(0) - 96 : c.charCodeAt(0) - 64);
  }
  if (bytes.length === 0 || bytes.some((b) => b > 127)) throw new ForgeError('InvalidArgument', `invalid detach keys "${spec}"`);
  return Buffer.from(bytes);
}

export class DetachKeyMatcher {
  /** How many bytes of the sequence the held-back input matched so far. */
  private matched = 0;

  constructor(private readonly keys: Buffer) {}

  /** Feeds input; returns what to forward now and whether the sequence is complete. */
  push(chunk: Buffer): { forward: Buffer; detach: boolean } {
    const out: number[] = [];
    const queue = [...chunk];
    for (let i = 0; i < queue.length; i++) {
      const byte = queue[i]!;
      if (byte === this.keys[this.matched]) {
        if (++this.matched === this.keys.length) {
          this.matched = 0;
          return { forward: Buffer.from(out), detach: true };
        }
      } else if (this.matched === 0) {
        out.push(byte);
      } else {
        // Not the sequence after all: the first held-back byte was input; the others and this
        // byte may still start the sequence (keys like `a,a,b` typed as `a a a b`), so re-scan them.
        out.push(this.keys[0]!);
        queue.splice(i + 1, 0, ...this.keys.subarray(1, this.matched), byte);
        this.matched = 0;
      }
    }
    return { forward: Buffer.from(out), detach: false };
  }
}
