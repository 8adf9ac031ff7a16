/**
 * Signals as the Engine contract accepts them (`SIGTERM`, `TERM`, `15`) → numbers. Every engine
 * shares this; the runtimes take numbers, so names never depend on their parsing.
 */
import { constants } from 'node:os';
import { ForgeError } from '../errors';

export function signalNumber(input: string): number {
  const s = input.trim().toUpperCase();
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    if (n >= 1 && n <= 64) return n;
  } else {
    const name = (s.startsWith('SIG') ? s : `SIG${s}`) as keyof typeof constants.signals;
    const n = constants.signals[name];
    if (typeof n === 'number') return n;
  }
  throw new ForgeError('InvalidArgument', `invalid signal: ${input}`, { hint: 'use a name like SIGTERM or a number like 15' });
}
