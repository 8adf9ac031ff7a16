/** Signal names and numbers as users write them: `9`, `KILL`, `SIGKILL`, `sigterm`. */
import { constants } from 'node:os';
import { ForgeError } from '../../errors';

export function normaliseSignal(input: string): string {
  const s = input.trim().toUpperCase();
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    const name = Object.entries(constants.signals).find(([, v]) => v === n)?.[0];
    if (!name) throw new ForgeError('InvalidArgument', `invalid signal: ${input}`);
    return name;
  }
  const name = s.startsWith('SIG') ? s : `SIG${s}`;
  if (!(name in constants.signals)) throw new ForgeError('InvalidArgument', `invalid signal: ${input}`, { hint: 'use a name like SIGTERM or a number like 15' });
  return name;
}
