/**
 * Commands that take several containers (stop, kill, rm, wait…) act on each in turn, like
 * docker: a failure is reported and the others still go; the exit code is 1 if any failed.
 * A single name fails the plain way (with its hint and exit code).
 */
import type { CliContext } from '../../context';

export async function forEachName(ctx: CliContext, names: string[], act: (name: string) => Promise<void>): Promise<void> {
  if (names.length === 1) return act(names[0]!);
  let failed = false;
  for (const name of names) {
    try {
      await act(name);
    } catch (err) {
      ctx.err.write(`Error: ${(err as Error).message}\n`);
      failed = true;
    }
  }
  if (failed) process.exitCode = 1;
}
