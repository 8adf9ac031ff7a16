/**
 * `inspect`: containers first, images when no container has the name (docker inspect's
 * order); `--type` restricts it, `container inspect` is containers only. JSON array, or a
 * template per object with -f.
 */
import type { Command } from 'commander';
import { ForgeError, isForgeError } from '../../../errors';
import type { ApiClient } from '../../../api/client';
import type { CliContext } from '../../context';
import { renderTemplate } from '../../render/table';
import { containerPath } from './paths';

type ObjectType = 'container' | 'image';

async function inspectOne(client: ApiClient, name: string, type: ObjectType | undefined): Promise<Record<string, unknown>> {
  if (type !== 'image') {
    try {
      return await client.json<Record<string, unknown>>('GET', containerPath(name, '/json'));
    } catch (err) {
      if (type === 'container' || !isForgeError(err, 'NotFound')) throw err;
    }
  }
  try {
    return await client.json<Record<string, unknown>>('GET', '/v1/images/inspect', { query: { name } });
  } catch (err) {
    if (type === undefined && isForgeError(err, 'NotFound')) throw new ForgeError('NotFound', `No such object: ${name}`);
    throw err;
  }
}

async function inspectAction(ctx: CliContext, names: string[], opts: { format?: string; type?: string }): Promise<void> {
  if (opts.type !== undefined && opts.type !== 'container' && opts.type !== 'image') {
    throw new ForgeError('InvalidArgument', `invalid --type "${opts.type}": use container or image`);
  }
  const client = await ctx.client();
  const results: Array<Record<string, unknown>> = [];
  let failed: unknown;
  for (const name of names) {
    try {
      results.push(await inspectOne(client, name, opts.type as ObjectType | undefined));
    } catch (err) {
      // Like docker: the others are still shown, each failure reported, exit 1.
      if (names.length === 1) throw err;
      ctx.err.write(`Error: ${(err as Error).message}\n`);
      failed = err;
    }
  }
  if (opts.format && opts.format !== 'json') {
    for (const r of results) ctx.out.write(renderTemplate(opts.format, r) + '\n');
  } else {
    ctx.out.write(JSON.stringify(results, null, 4) + '\n');
  }
  if (failed) process.exitCode = 1;
}

export function registerInspect(program: Command, container: Command, ctx: CliContext): void {
  program
    .command('inspect <name...>')
    .description('show details of containers or images as JSON')
    .option('-f, --format <template>', "a template like '{{.State.Status}}' or 'json'")
    .option('--type <type>', 'only this type: container or image')
    .action((names: string[], opts) => inspectAction(ctx, names, opts));
  container
    .command('inspect <container...>')
    .description('show details of containers as JSON')
    .option('-f, --format <template>', "a template like '{{.State.Status}}' or 'json'")
    .action((names: string[], opts: { format?: string }) => inspectAction(ctx, names, { ...opts, type: 'container' }));
}
