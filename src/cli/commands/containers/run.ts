/**
 * `run`: create (pulling the image if needed), then either start and print the ID (-d), or
 * attach, start, stream and exit with the container's exit code (see attach.ts). Failures of
 * ForgeOne itself exit 125, a command that cannot run 126, one not found 127 (exit-codes.ts).
 */
import type { Command } from 'commander';
import { ForgeError } from '../../../errors';
import type { CliContext } from '../../context';
import { attachAndWait, removeQuietly } from './attach';
import { addCreateOptions, addDetachKeysOption } from './create-options';
import { createFromFlags } from './create';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from './detach-keys';
import type { CreateFlags } from './flags';
import { containerPath } from './paths';

/** docker's check: -it needs a terminal on stdin (piped input wants -i alone). */
export function checkTerminal(tty: boolean, stdin: boolean): void {
  if (tty && stdin && !process.stdin.isTTY) {
    throw new ForgeError('InvalidArgument', 'the input device is not a TTY', { hint: 'drop -t to pipe input into the container (-i alone)' });
  }
}

async function runAction(ctx: CliContext, image: string, command: string[], flags: CreateFlags): Promise<void> {
  ctx.exitPolicy = 'process';
  const detachKeys = parseDetachKeys(flags.detachKeys ?? DEFAULT_DETACH_KEYS);
  if (!flags.detach) checkTerminal(!!flags.tty, !!flags.interactive);
  const id = await createFromFlags(ctx, image, command, flags);
  const client = await ctx.client();
  if (flags.detach) {
    await client.json('POST', containerPath(id, '/start')).catch(async (err: unknown) => {
      if (flags.rm) await removeQuietly(client, id);
      throw err;
    });
    ctx.out.write(`${id}\n`);
    return;
  }
  await attachAndWait(ctx, client, { id, tty: !!flags.tty, stdin: !!flags.interactive, autoRemove: !!flags.rm, detachKeys, start: true });
}

export function registerRun(parent: Command, ctx: CliContext): void {
  const cmd = parent.command('run <image> [command...]').description('create and start a container');
  addDetachKeysOption(addCreateOptions(cmd).option('-d, --detach', 'run in the background and print the container ID')).action(
    (image: string, command: string[], flags: CreateFlags) => runAction(ctx, image, command, flags),
  );
}
