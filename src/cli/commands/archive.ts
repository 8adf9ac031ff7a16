/** save and load: images to and from tar archives (docker-archive or oci-archive). */
import type { Command } from 'commander';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { ForgeError, fromErrno } from '../../errors';
import type { LoadResult } from '../../config/api-types';
import type { CliContext } from '../context';
import { ProgressRenderer, progressMode } from '../render/progress';

async function saveAction(ctx: CliContext, names: string[], opts: { output?: string; format?: string }): Promise<void> {
  const format = opts.format ?? 'docker-archive';
  if (format !== 'docker-archive' && format !== 'oci-archive') {
    throw new ForgeError('InvalidArgument', `unknown format "${format}": use docker-archive or oci-archive`);
  }
  if (!opts.output && ctx.out.isTTY) {
    throw new ForgeError('InvalidArgument', 'refusing to write an archive to a terminal', { hint: 'use -o FILE or redirect the output' });
  }
  const client = await ctx.client();
  const res = await client.request('GET', '/v1/images/save', { query: { name: names, format } });
  if (!opts.output) {
    await pipeline(res, ctx.out);
    return;
  }
  // Written beside the target and renamed at the end: a failed save leaves no half archive.
  const tmp = `${opts.output}.forgeone-tmp`;
  try {
    await pipeline(res, createWriteStream(tmp, { mode: 0o644 }));
    if (!res.complete) throw new ForgeError('Unavailable', 'the daemon ended the archive early');
    await fs.rename(tmp, opts.output);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    if (err instanceof ForgeError) throw err;
    throw fromErrno(err, `writing ${opts.output}`) ?? new ForgeError('Unavailable', `saving failed: ${(err as Error).message}`, { cause: err });
  }
}

async function loadAction(ctx: CliContext, opts: { input?: string; quiet?: boolean }): Promise<void> {
  if (!opts.input && process.stdin.isTTY) {
    throw new ForgeError('InvalidArgument', 'no archive given: use -i FILE or pipe one into standard input');
  }
  if (opts.input) {
    try {
      await fs.access(opts.input);
    } catch (err) {
      throw fromErrno(err, `cannot read ${opts.input}`) ?? err;
    }
  }
  const client = await ctx.client();
  const upload = opts.input ? createReadStream(opts.input) : process.stdin;
  const renderer = new ProgressRenderer(ctx.out, progressMode(ctx.out, false));
  let result: LoadResult | undefined;
  for await (const event of client.progress('POST', '/v1/images/load', { upload })) {
    if (event.aux) result = event.aux as unknown as LoadResult;
    else if (!opts.quiet) renderer.render(event);
  }
  if (opts.quiet && result) for (const image of result.images) ctx.out.write(`${image.names[0] ?? image.id}\n`);
}

export function registerArchiveCommands(program: Command, ctx: CliContext): void {
  const image = program.commands.find((c) => c.name() === 'image');
  for (const parent of image ? [program, image] : [program]) {
    parent
      .command('save <image...>')
      .description('write images to a tar archive')
      .option('-o, --output <file>', 'archive file (default: standard output)')
      .option('--format <format>', 'docker-archive (default) or oci-archive')
      .action((names: string[], opts) => saveAction(ctx, names, opts));
    parent
      .command('load')
      .description('load images from a tar archive (docker-archive or oci-archive, optionally gzipped)')
      .option('-i, --input <file>', 'archive file (default: standard input)')
      .option('-q, --quiet', 'print only the loaded names')
      .action((opts) => loadAction(ctx, opts));
  }
}
