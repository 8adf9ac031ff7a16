/** start, stop, kill, restart, pause, unpause, rename, wait: one API call per container. */
import type { Command } from 'commander';
import { ForgeError } from '../../../errors';
import type { ContainerInspect, WaitResult } from '../../../config/api-types';
import type { CliContext } from '../../context';
import { attachAndWait } from './attach';
import { addDetachKeysOption } from './create-options';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from './detach-keys';
import { forEachName } from './each';
import { checkTerminal } from './run';
import { containerPath } from './paths';
import { parseInteger } from './units';

async function startAction(ctx: CliContext, names: string[], opts: { attach?: boolean; interactive?: boolean; detachKeys?: string }): Promise<void> {
  const client = await ctx.client();
  if (!opts.attach && !opts.interactive) {
    return forEachName(ctx, names, async (name) => {
      await client.json('POST', containerPath(name, '/start'));
      ctx.out.write(`${name}\n`);
    });
  }
  // Attached, docker start is `run` without the create: its exit code is the container's.
  ctx.exitPolicy = 'process';
  if (names.length > 1) throw new ForgeError('InvalidArgument', 'you cannot start and attach multiple containers at once');
  const detachKeys = parseDetachKeys(opts.detachKeys ?? DEFAULT_DETACH_KEYS);
  const c = await client.json<ContainerInspect>('GET', containerPath(names[0]!, '/json'));
  const stdin = !!opts.interactive && c.Config.OpenStdin;
  checkTerminal(c.Config.Tty, stdin);
  await attachAndWait(ctx, client, { id: c.Id, tty: c.Config.Tty, stdin, autoRemove: c.HostConfig.AutoRemove, detachKeys, start: true });
}

async function attachAction(ctx: CliContext, name: string, opts: { stdin?: boolean; detachKeys?: string }): Promise<void> {
  ctx.exitPolicy = 'process';
  const client = await ctx.client();
  const detachKeys = parseDetachKeys(opts.detachKeys ?? DEFAULT_DETACH_KEYS);
  const c = await client.json<ContainerInspect>('GET', containerPath(name, '/json'));
  if (!c.State.Running) throw new ForgeError('FailedPrecondition', `you cannot attach to a stopped container, start it first`);
  const stdin = opts.stdin !== false && c.Config.OpenStdin;
  checkTerminal(c.Config.Tty, stdin);
  await attachAndWait(ctx, client, { id: c.Id, tty: c.Config.Tty, stdin, autoRemove: c.HostConfig.AutoRemove, detachKeys, start: false });
}

function seconds(value: string | undefined): string | undefined {
  return value === undefined ? undefined : String(parseInteger(value, '--time', { min: 0 }));
}

export function registerLifecycle(parent: Command, ctx: CliContext): void {
  addDetachKeysOption(
    parent
      .command('start <container...>')
      .description('start stopped containers')
      .option('-a, --attach', "attach STDOUT/STDERR and exit with the container's code")
      .option('-i, --interactive', "attach the container's STDIN"),
  ).action((names: string[], opts) => startAction(ctx, names, opts));
  addDetachKeysOption(
    parent.command('attach <container>').description('attach to a running container').option('--no-stdin', 'do not attach STDIN'),
  ).action((name: string, opts) => attachAction(ctx, name, opts));

  for (const verb of ['stop', 'restart'] as const) {
    parent
      .command(`${verb} <container...>`)
      .description(verb === 'stop' ? 'stop running containers (SIGTERM, then SIGKILL)' : 'restart containers')
      .option('-t, --time <seconds>', 'seconds to wait before killing the container')
      .action(async (names: string[], opts: { time?: string }) => {
        const client = await ctx.client();
        const t = seconds(opts.time);
        await forEachName(ctx, names, async (name) => {
          await client.json('POST', containerPath(name, `/${verb}`), { query: { t } });
          ctx.out.write(`${name}\n`);
        });
      });
  }
  parent
    .command('kill <container...>')
    .description('send a signal to running containers')
    .option('-s, --signal <signal>', 'signal to send (name or number)', 'SIGKILL')
    .action(async (names: string[], opts: { signal: string }) => {
      const client = await ctx.client();
      await forEachName(ctx, names, async (name) => {
        await client.json('POST', containerPath(name, '/kill'), { query: { signal: opts.signal } });
        ctx.out.write(`${name}\n`);
      });
    });
  for (const verb of ['pause', 'unpause'] as const) {
    parent
      .command(`${verb} <container...>`)
      .description(verb === 'pause' ? 'suspend all processes of containers' : 'resume paused containers')
      .action(async (names: string[]) => {
        const client = await ctx.client();
        await forEachName(ctx, names, async (name) => {
          await client.json('POST', containerPath(name, `/${verb}`));
          ctx.out.write(`${name}\n`);
        });
      });
  }
  parent
    .command('rename <container> <new-name>')
    .description('rename a container')
    .action(async (name: string, newName: string) => {
      await (await ctx.client()).json('POST', containerPath(name, '/rename'), { query: { name: newName } });
    });
  parent
    .command('wait <container...>')
    .description('block until containers stop, then print their exit codes')
    .action(async (names: string[]) => {
      const client = await ctx.client();
      await forEachName(ctx, names, async (name) => {
        const r = await client.json<WaitResult>('POST', containerPath(name, '/wait'), { query: { condition: 'not-running' } });
        ctx.out.write(`${r.StatusCode}\n`);
      });
    });
}
