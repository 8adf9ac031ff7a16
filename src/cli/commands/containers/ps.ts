/** `ps` / `container ls`: list containers (running ones unless -a), docker's columns and flags. */
import type { Command } from 'commander';
import { ForgeError } from '../../../errors';
import type { ContainerSummary } from '../../../config/api-types';
import type { CliContext } from '../../context';
import { printFormatted, renderTable } from '../../render/table';
import { collect } from './create-options';
import { PS_HEADERS, parseFilters, psRow } from './ps-format';
import { parseInteger } from './units';

interface PsOptions {
  all?: boolean;
  quiet?: boolean;
  trunc?: boolean;
  last?: string;
  latest?: boolean;
  filter?: string[];
  format?: string;
}

async function psAction(ctx: CliContext, opts: PsOptions): Promise<void> {
  let filters: Record<string, string[]>;
  try {
    filters = parseFilters(opts.filter ?? []);
  } catch (err) {
    throw new ForgeError('InvalidArgument', (err as Error).message);
  }
  // -n/-l mean "the last created", whatever their state (docker: they imply -a).
  const limit = opts.latest ? 1 : opts.last === undefined ? undefined : parseInteger(opts.last, '--last', { min: -1 });
  const all = !!opts.all || (limit !== undefined && limit > 0);
  const client = await ctx.client();
  const list = await client.json<ContainerSummary[]>('GET', '/v1/containers/json', {
    query: {
      all,
      ...(Object.keys(filters).length ? { filters: JSON.stringify(filters) } : {}),
      ...(limit !== undefined && limit > 0 ? { limit: String(limit) } : {}),
    },
  });
  // Newest first, as docker lists them.
  list.sort((a, b) => b.Created - a.Created);
  const shown = limit !== undefined && limit > 0 ? list.slice(0, limit) : list;
  const truncate = opts.trunc !== false;
  if (opts.quiet) {
    for (const c of shown) ctx.out.write(`${truncate ? c.Id.slice(0, 12) : c.Id}\n`);
    return;
  }
  const rows = shown.map((c) => psRow(c, { truncate }));
  printFormatted(ctx.out, opts.format, rows, () => renderTable(PS_HEADERS, rows));
}

export function registerPs(program: Command, container: Command, ctx: CliContext): void {
  const options = (cmd: Command) =>
    cmd
      .description('list containers')
      .option('-a, --all', 'show all containers (default: running ones)')
      .option('-q, --quiet', 'only container IDs')
      .option('--no-trunc', 'do not truncate output')
      .option('-n, --last <n>', 'show the n last created containers (all states)')
      .option('-l, --latest', 'show the latest created container (all states)')
      .option('-f, --filter <k=v>', 'filter: status, name, id, label, ancestor, exited, engine', collect)
      .option('--format <format>', "'table', 'json', or a template like '{{.ID}} {{.Status}}'")
      .action((opts: PsOptions) => psAction(ctx, opts));
  options(program.command('ps'));
  options(container.command('ls').aliases(['list', 'ps']));
}
