/** Registry commands: push, login, logout. */
import type { Command } from 'commander';
import { ForgeError } from '../../errors';
import type { LoginResult, PushResult } from '../../config/api-types';
import { normalizeRegistryHost } from '../../registry/auth/docker-config';
import type { CliContext } from '../context';
import { ProgressRenderer, progressMode } from '../render/progress';
import { forgetCredentials, registryAuthHeader, storeCredentials } from '../credentials';
import { readSecret } from '../prompt';
import * as readline from 'node:readline/promises';

async function pushAction(ctx: CliContext, reference: string, opts: { quiet?: boolean }): Promise<void> {
  const client = await ctx.client();
  const renderer = new ProgressRenderer(ctx.out, progressMode(ctx.out, !!opts.quiet));
  const auth = await registryAuthHeader(ctx.settings(), reference);
  let result: PushResult | undefined;
  for await (const event of client.progress('POST', '/v1/images/push', {
    query: { reference },
    ...(auth ? { headers: { 'X-Registry-Auth': auth } } : {}),
  })) {
    if (event.aux) result = event.aux as unknown as PushResult;
    renderer.render(event);
  }
  if (opts.quiet && result) ctx.out.write(`${result.reference}@${result.digest}\n`);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function loginAction(ctx: CliContext, server: string | undefined, opts: { username?: string; password?: string; passwordStdin?: boolean }): Promise<void> {
  const host = normalizeRegistryHost(server ?? 'docker.io');
  let username = opts.username;
  let password = opts.password;
  if (opts.passwordStdin) {
    if (opts.password) throw new ForgeError('InvalidArgument', '--password and --password-stdin are mutually exclusive');
    if (!username) throw new ForgeError('InvalidArgument', 'must provide --username with --password-stdin');
    password = await readStdin();
  }
  if (password && !opts.passwordStdin) ctx.err.write('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
  if (!username || !password) {
    if (!process.stdin.isTTY) throw new ForgeError('InvalidArgument', 'username and password are required (no terminal to ask on)', { hint: 'use -u USER --password-stdin' });
    if (!username) {
      const rl = readline.createInterface({ input: process.stdin, output: ctx.err });
      username = (await rl.question('Username: ')).trim();
      rl.close();
    }
    if (!password) password = await readSecret(ctx, 'Password: ');
  }
  const client = await ctx.client();
  const result = await client.json<LoginResult>('POST', '/v1/auth', { body: { username, password, serveraddress: host } });
  await storeCredentials(ctx.settings(), host, { username, password });
  ctx.out.write(`${result.Status}\n`);
}

async function logoutAction(ctx: CliContext, server: string | undefined): Promise<void> {
  const host = normalizeRegistryHost(server ?? 'docker.io');
  if (await forgetCredentials(ctx.settings(), host)) ctx.out.write(`Removing login credentials for ${host}\n`);
  else ctx.out.write(`Not logged in to ${host}\n`);
}

export function registerRegistryCommands(program: Command, ctx: CliContext): void {
  const image = program.commands.find((c) => c.name() === 'image');
  for (const parent of image ? [program, image] : [program]) {
    parent
      .command('push <reference>')
      .description('upload an image to a registry')
      .option('-q, --quiet', 'print only the pushed reference and digest')
      .action((reference: string, opts) => pushAction(ctx, reference, opts));
  }
  program
    .command('login [server]')
    .description('log in to a registry (credentials are kept in ~/.forgeone/config.json, Docker format)')
    .option('-u, --username <username>', 'user name')
    .option('-p, --password <password>', 'password (prefer --password-stdin)')
    .option('--password-stdin', 'read the password from standard input')
    .action((server: string | undefined, opts) => loginAction(ctx, server, opts));
  program
    .command('logout [server]')
    .description('forget the credentials of a registry')
    .action((server: string | undefined) => logoutAction(ctx, server));
}
