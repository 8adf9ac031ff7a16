/** `volume create|ls|inspect|rm|prune`: named volumes. */
import type { Command } from 'commander';
import type { VolumeInfo } from '../../../config/api-types';
import { humanSize } from '../../../util/format';
import type { CliContext } from '../../context';
import { confirm } from '../../prompt';
import { printFormatted, renderTable, renderTemplate } from '../../render/table';
import { collect } from './create-options';
import { forEachName } from './each';
import { parseLabels } from './env';
import { volumePath } from './paths';

async function createAction(ctx: CliContext, name: string | undefined, opts: { label?: string[] }): Promise<void> {
  const labels = parseLabels(opts.label ?? []);
  const volume = await (await ctx.client()).json<VolumeInfo>('POST', '/v1/volumes/create', { body: { ...(name ? { Name: name } : {}), Labels: labels } });
  ctx.out.write(`${volume.Name}\n`);
}

async function listAction(ctx: CliContext, opts: { quiet?: boolean; format?: string }): Promise<void> {
  const { Volumes } = await (await ctx.client()).json<{ Volumes: VolumeInfo[] | null }>('GET', '/v1/volumes');
  const volumes = (Volumes ?? []).sort((a, b) => a.Name.localeCompare(b.Name));
  if (opts.quiet) return void volumes.forEach((v) => ctx.out.write(`${v.Name}\n`));
  const rows = volumes.map((v) => ({
    Name: v.Name,
    Driver: v.Driver,
    Mountpoint: v.Mountpoint,
    Scope: v.Scope,
    CreatedAt: v.CreatedAt,
    Labels: Object.entries(v.Labels ?? {}).map(([k, val]) => `${k}=${val}`).join(','),
  }));
  printFormatted(ctx.out, opts.format, rows, () => renderTable([['Driver', 'DRIVER'], ['Name', 'VOLUME NAME']], rows));
}

async function inspectAction(ctx: CliContext, names: string[], opts: { format?: string }): Promise<void> {
  const client = await ctx.client();
  const results: VolumeInfo[] = [];
  await forEachName(ctx, names, async (name) => void results.push(await client.json<VolumeInfo>('GET', volumePath(name))));
  if (opts.format && opts.format !== 'json') {
    for (const r of results) ctx.out.write(renderTemplate(opts.format, r as unknown as Record<string, unknown>) + '\n');
  } else ctx.out.write(JSON.stringify(results, null, 4) + '\n');
}

async function removeAction(ctx: CliContext, names: string[], opts: { force?: boolean }): Promise<void> {
  const client = await ctx.client();
  await forEachName(ctx, names, async (name) => {
    await client.json('DELETE', volumePath(name), { query: { force: opts.force } });
    ctx.out.write(`${name}\n`);
  });
}

async function pruneAction(ctx: CliContext, opts: { force?: boolean }): Promise<void> {
  if (!opts.force && !(await confirm(ctx, 'WARNING! This will remove all local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] '))) return;
  const result = await (await ctx.client()).json<{ VolumesDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/v1/volumes/prune');
  const deleted = result.VolumesDeleted ?? [];
  if (deleted.length) ctx.out.write(`Deleted Volumes:\n${deleted.join('\n')}\n\n`);
  ctx.out.write(`Total reclaimed space: ${humanSize(result.SpaceReclaimed)}\n`);
}

export function registerVolumeCommands(program: Command, ctx: CliContext): void {
  const volume = program.command('volume').description('manage volumes');
  volume
    .command('create [name]')
    .description('create a volume (a random name when none is given)')
    .option('--label <k=v>', 'set a label', collect)
    .action((name: string | undefined, opts) => createAction(ctx, name, opts));
  volume
    .command('ls')
    .alias('list')
    .description('list volumes')
    .option('-q, --quiet', 'only volume names')
    .option('--format <format>', "'table', 'json', or a template like '{{.Name}}'")
    .action((opts) => listAction(ctx, opts));
  volume
    .command('inspect <volume...>')
    .description('show details of volumes as JSON')
    .option('-f, --format <template>', "a template like '{{.Mountpoint}}' or 'json'")
    .action((names: string[], opts) => inspectAction(ctx, names, opts));
  volume
    .command('rm <volume...>')
    .alias('remove')
    .description('remove volumes')
    .option('-f, --force', 'remove even if in use')
    .action((names: string[], opts) => removeAction(ctx, names, opts));
  volume
    .command('prune')
    .description('remove volumes no container uses')
    .option('-f, --force', 'do not ask for confirmation')
    .action((opts) => pruneAction(ctx, opts));
}
