/**
 * `create` (and the first half of `run`): flags → ContainerConfig, then POST create; when the
 * image is missing, pull it as `docker run` does (per --pull) and create again.
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { isForgeError } from '../../../errors';
import type { CreateResult } from '../../../config/api-types';
import type { CliContext } from '../../context';
import { addCreateOptions } from './create-options';
import { parsePullPolicy, toContainerConfig, type CreateFlags } from './flags';

/* eslint-disable @typescript-eslint/no-require-imports -- the pull and wasm paths load only when used: `run` must start fast (bench/README.md) */
const images = () => require('../images') as typeof import('../images');
const wasm = () => require('../wasm') as typeof import('../wasm');

/** What localWasmImage may take for a module file: a path, or a name ending in .wasm. */
function mayBeWasmFile(arg: string): boolean {
  return /^(\.{1,2})?\//.test(arg) || arg.endsWith('.wasm');
}

/** Creates the container and returns its full ID; warnings go to stderr. */
export async function createFromFlags(ctx: CliContext, image: string, command: string[], flags: CreateFlags): Promise<string> {
  if (mayBeWasmFile(image)) image = await wasm().localWasmImage(ctx, image); // `run ./module.wasm` (issue 5): loaded as an image first
  const config = toContainerConfig(image, command, flags, { env: process.env, readFile: (f) => readFileSync(f, 'utf8'), cwd: process.cwd() });
  const pull = parsePullPolicy(flags.pull);
  const client = await ctx.client();
  const pullImage = () => images().pullAction(ctx, image, { quiet: !!flags.quiet, out: ctx.err, ...(flags.platform ? { platform: flags.platform } : {}) });
  if (pull === 'always') await pullImage();
  const create = () => client.json<CreateResult>('POST', '/v1/containers/create', { body: config, query: { name: flags.name } });
  let result: CreateResult;
  try {
    result = await create();
  } catch (err) {
    // The create API's NotFound is the image (a missing bind source is InvalidArgument).
    if (pull !== 'missing' || !isForgeError(err, 'NotFound')) throw err;
    ctx.err.write(`Unable to find image '${image}' locally\n`);
    await pullImage();
    result = await create();
  }
  for (const warning of result.Warnings ?? []) ctx.err.write(`WARNING: ${warning}\n`);
  return result.Id;
}

export function registerCreate(parent: Command, ctx: CliContext): void {
  addCreateOptions(parent.command('create <image> [command...]').description('create a container without starting it')).action(
    async (image: string, command: string[], flags: CreateFlags) => {
      ctx.exitPolicy = 'process';
      ctx.out.write(`${await createFromFlags(ctx, image, command, flags)}\n`);
    },
  );
}
