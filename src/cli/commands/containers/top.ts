/** `top`: the processes of a running container, as the daemon's ps columns. */
import type { Command } from 'commander';
import type { TopResult } from '../../../config/api-types';
import type { CliContext } from '../../context';
import { renderTable } from '../../render/table';
import { containerPath } from './paths';

export function registerTop(parent: Command, ctx: CliContext): void {
  parent
    .command('top <container>')
    .description('show the processes of a container')
    .action(async (name: string) => {
      const top = await (await ctx.client()).json<TopResult>('GET', containerPath(name, '/top'));
      const headers = top.Titles.map((t, i): [string, string] => [String(i), t]);
      const rows = top.Processes.map((p) => Object.fromEntries(p.map((cell, i) => [String(i), cell])));
      ctx.out.write(renderTable(headers, rows));
    });
}
