/** Image commands: pull, images/image ls, tag, rmi/image rm, image inspect, image prune. */
import type { Command } from 'commander';
import { ForgeError } from '../../errors';
import type { DeleteResponseItem, ImageInspect, ImageSummary, PruneResult, PullResult } from '../../config/api-types';
import { humanSize, timeAgo } from '../../util/format';
import { shortId } from '../../util/digest';
import type { CliContext } from '../context';
import { ProgressRenderer, progressMode } from '../render/progress';
import { printFormatted, renderTable, renderTemplate } from '../render/table';
import { registryAuthHeader } from '../credentials';
import { confirm } from '../prompt';

interface ImageRow extends Record<string, string> {
  Repository: string;
  Tag: string;
  Digest: string;
  ID: string;
  CreatedSince: string;
  CreatedAt: string;
  Size: string;
}

function rowsOf(images: ImageSummary[]): ImageRow[] {
  const rows: ImageRow[] = [];
  for (const image of images) {
    const base = {
      ID: shortId(image.Id),
      CreatedSince: image.Created ? timeAgo(image.Created * 1000) : 'N/A',
      CreatedAt: image.Created ? new Date(image.Created * 1000).toISOString() : '',
      Size: humanSize(image.Size),
    };
    const digestFor = (repo: string) => image.RepoDigests.find((d) => d.startsWith(`${repo}@`))?.split('@')[1] ?? '<none>';
    if (image.RepoTags.length === 0) {
      const repo = image.RepoDigests[0]?.split('@')[0] ?? '<none>';
      rows.push({ ...base, Repository: repo, Tag: '<none>', Digest: image.RepoDigests[0]?.split('@')[1] ?? '<none>' });
    }
    for (const name of image.RepoTags) {
      const colon = name.lastIndexOf(':');
      const repo = name.slice(0, colon);
      rows.push({ ...base, Repository: repo, Tag: name.slice(colon + 1), Digest: digestFor(repo) });
    }
  }
  return rows;
}

/** `out` (default stdout): run and create show the progress on stderr, keeping stdout the container's. */
export async function pullAction(ctx: CliContext, reference: string, opts: { quiet?: boolean; platform?: string; out?: NodeJS.WriteStream }): Promise<void> {
  const client = await ctx.client();
  const out = opts.out ?? ctx.out;
  const renderer = new ProgressRenderer(out, progressMode(out, !!opts.quiet));
  let result: PullResult | undefined;
  const auth = await registryAuthHeader(ctx.settings(), reference);
  for await (const event of client.progress('POST', '/v1/images/pull', {
    query: { reference, platform: opts.platform },
    ...(auth ? { headers: { 'X-Registry-Auth': auth } } : {}),
  })) {
    if (event.aux) result = event.aux as unknown as PullResult;
    renderer.render(event);
  }
  // docker pull names what it pulled; docker run does not.
  if (result && !opts.out) ctx.out.write(`${result.reference}\n`);
}

async function listAction(ctx: CliContext, reference: string | undefined, opts: { quiet?: boolean; digests?: boolean; format?: string; filter?: string[] }): Promise<void> {
  const client = await ctx.client();
  let dangling: string | undefined;
  for (const f of opts.filter ?? []) {
    const [key, value] = f.split('=', 2);
    if (key === 'dangling' && (value === 'true' || value === 'false')) dangling = value;
    else throw new ForgeError('InvalidArgument', `unsupported filter "${f}" (supported: dangling=true|false)`);
  }
  const images = await client.json<ImageSummary[]>('GET', '/v1/images', { query: { reference, dangling } });
  if (opts.quiet) {
    const seen = new Set<string>();
    for (const image of images) {
      const id = shortId(image.Id);
      if (!seen.has(id)) ctx.out.write(`${id}\n`);
      seen.add(id);
    }
    return;
  }
  const rows = rowsOf(images);
  const headers: Array<[string, string]> = [['Repository', 'REPOSITORY'], ['Tag', 'TAG']];
  if (opts.digests) headers.push(['Digest', 'DIGEST']);
  headers.push(['ID', 'IMAGE ID'], ['CreatedSince', 'CREATED'], ['Size', 'SIZE']);
  printFormatted(ctx.out, opts.format, rows, () => renderTable(headers, rows));
}

async function tagAction(ctx: CliContext, source: string, target: string): Promise<void> {
  const client = await ctx.client();
  await client.json('POST', '/v1/images/tag', { query: { source, target } });
}

async function removeAction(ctx: CliContext, names: string[], opts: { force?: boolean; prune?: boolean }): Promise<void> {
  const client = await ctx.client();
  let failed: unknown;
  for (const name of names) {
    try {
      const items = await client.json<DeleteResponseItem[]>('DELETE', '/v1/images', {
        query: { name, force: opts.force, noprune: opts.prune === false },
      });
      for (const item of items) ctx.out.write('Untagged' in item ? `Untagged: ${item.Untagged}\n` : `Deleted: ${item.Deleted}\n`);
    } catch (err) {
      // Like docker rmi: report each failure and carry on with the other names.
      if (names.length === 1) throw err;
      ctx.err.write(`Error: ${(err as Error).message}\n`);
      failed = err;
    }
  }
  if (failed) process.exitCode = 1;
}

async function inspectAction(ctx: CliContext, names: string[], opts: { format?: string }): Promise<void> {
  const client = await ctx.client();
  const results: ImageInspect[] = [];
  for (const name of names) results.push(await client.json<ImageInspect>('GET', '/v1/images/inspect', { query: { name } }));
  if (opts.format && opts.format !== 'json') {
    for (const r of results) ctx.out.write(renderTemplate(opts.format, r as unknown as Record<string, unknown>) + '\n');
    return;
  }
  ctx.out.write(JSON.stringify(results, null, 4) + '\n');
}

async function pruneAction(ctx: CliContext, opts: { all?: boolean; force?: boolean }): Promise<void> {
  if (!opts.force) {
    const what = opts.all ? 'all images without at least one container associated to them' : 'all dangling images';
    if (!(await confirm(ctx, `WARNING! This will remove ${what}.\nAre you sure you want to continue? [y/N] `))) return;
  }
  const client = await ctx.client();
  const result = await client.json<PruneResult>('POST', '/v1/images/prune', { query: { all: opts.all } });
  if (result.ImagesDeleted.length) {
    ctx.out.write('Deleted Images:\n');
    for (const item of result.ImagesDeleted) ctx.out.write('Untagged' in item ? `untagged: ${item.Untagged}\n` : `deleted: ${item.Deleted}\n`);
    ctx.out.write('\n');
  }
  ctx.out.write(`Total reclaimed space: ${humanSize(result.SpaceReclaimed)}\n`);
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerImageCommands(program: Command, ctx: CliContext): void {
  const image = program.command('image').description('manage images');

  for (const parent of [program, image]) {
    parent
      .command('pull <reference>')
      .description('download an image from a registry')
      .option('-q, --quiet', 'print only the image name')
      .option('--platform <os/arch[/variant]>', 'platform to pull from a multi-platform image')
      .action((reference: string, opts) => pullAction(ctx, reference, opts));
  }
  const listOpts = (cmd: Command) =>
    cmd
      .option('-q, --quiet', 'only image IDs')
      .option('--digests', 'show digests')
      .option('-a, --all', 'show all images (accepted for Docker compatibility)')
      .option('-f, --filter <filter>', 'filter (dangling=true|false)', collect)
      .option('--format <format>', "'json', a template like '{{.Repository}}:{{.Tag}}', or 'table'")
      .action((reference: string | undefined, opts) => listAction(ctx, reference, opts));
  listOpts(program.command('images [reference]').description('list images'));
  listOpts(image.command('ls [reference]').alias('list').description('list images'));

  for (const parent of [program, image]) {
    parent
      .command('tag <source> <target>')
      .description('give an image another name')
      .action((source: string, target: string) => tagAction(ctx, source, target));
  }
  const rmOpts = (cmd: Command) =>
    cmd
      .option('-f, --force', 'remove even when the image has several names')
      .option('--no-prune', 'keep blobs nothing references any more')
      .action((names: string[], opts) => removeAction(ctx, names, opts));
  rmOpts(program.command('rmi <image...>').description('remove images'));
  rmOpts(image.command('rm <image...>').alias('remove').description('remove images'));

  image
    .command('inspect <image...>')
    .description('show details of images as JSON')
    .option('-f, --format <template>', "a template like '{{.Id}}' or 'json'")
    .action((names: string[], opts) => inspectAction(ctx, names, opts));
  image
    .command('prune')
    .description('remove images with no name (with -a: every image no container uses)')
    .option('-a, --all', 'remove all unused images, not only dangling ones')
    .option('-f, --force', 'do not ask for confirmation')
    .action((opts) => pruneAction(ctx, opts));
}
