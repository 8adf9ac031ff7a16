/** `rm` and `container prune`. */
import type { Command } from 'commander';
import { humanSize } from '../../../util/format';
import type { CliContext } from '../../context';
import { confirm } from '../../prompt';
import { forEachName } from './each';
import { containerPath } from './paths';

async function removeAction(ctx: CliContext, names: string[], opts: { force?: boolean; volumes?: boolean }): Promise<void> {
  const client = await ctx.client();
  await forEachName(ctx, names, async (name) => {
    await client.json('DELETE', containerPath(name), { query: { force: opts.force, v: opts.volumes } });
    ctx.out.write(`${name}\n`);
  });
}

async function pruneAction(ctx: CliContext, opts: { force?: boolean }): Promise<void> {
  if (!opts.force && !(await confirm(ctx, 'WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] '))) return;
  const client = await ctx.client();
  const result = await client.json<{ ContainersDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/v1/containers/prune');
  const deleted = result.ContainersDeleted ?? [];
  if (deleted.length) ctx.out.write(`Deleted Containers:\n${deleted.join('\n')}\n\n`);
  ctx.out.write(`Total reclaimed space: ${humanSize(result.SpaceReclaimed)}\n`);
}

export function registerRemove(program: Command, container: Command, ctx: CliContext): void {
  const rm = (cmd: Command) =>
    cmd
      .description('remove containers')
      .option('-f, --force', 'kill and remove running containers')
      .option('-v, --volumes', 'also remove the anonymous volumes of the containers')
      .action((names: string[], opts) => removeAction(ctx, names, opts));
  rm(program.command('rm <container...>'));
  rm(container.command('rm <container...>').alias('remove'));
  container
    .command('prune')
    .description('remove all stopped containers')
    .option('-f, --force', 'do not ask for confirmation')
    .action((opts) => pruneAction(ctx, opts));
}
