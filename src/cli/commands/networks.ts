/** `network create|ls|inspect|rm|connect|disconnect|prune` (docker's commands and flags). */
import type { Command } from 'commander';
import type { NetworkCreateRequest, NetworkResource } from '../../config/api-types';
import type { CliContext } from '../context';
import { confirm } from '../prompt';
import { printFormatted, renderTable, renderTemplate } from '../render/table';
import { collect } from './containers/create-options';
import { forEachName } from './containers/each';
import { parseLabels } from './containers/env';

const networkPath = (name: string, suffix = ''): string => `/v1/networks/${encodeURIComponent(name)}${suffix}`;

interface CreateOpts {
  subnet?: string;
  gateway?: string;
  internal?: boolean;
  label?: string[];
  driver?: string;
}

async function createAction(ctx: CliContext, name: string, opts: CreateOpts): Promise<void> {
  const body: NetworkCreateRequest = {
    Name: name,
    Driver: opts.driver ?? 'bridge',
    Internal: !!opts.internal,
    Labels: parseLabels(opts.label ?? []),
    ...(opts.subnet || opts.gateway ? { IPAM: { Config: [{ ...(opts.subnet ? { Subnet: opts.subnet } : {}), ...(opts.gateway ? { Gateway: opts.gateway } : {}) }] } } : {}),
  };
  const created = await (await ctx.client()).json<{ Id: string }>('POST', '/v1/networks/create', { body });
  ctx.out.write(`${created.Id}\n`);
}

async function listAction(ctx: CliContext, opts: { quiet?: boolean; format?: string; filter?: string[] }): Promise<void> {
  const filters: Record<string, string[]> = {};
  for (const f of opts.filter ?? []) {
    const i = f.indexOf('=');
    (filters[i > 0 ? f.slice(0, i) : f] ??= []).push(i > 0 ? f.slice(i + 1) : '');
  }
  const nets = await (await ctx.client()).json<NetworkResource[]>('GET', '/v1/networks', { query: { filters: JSON.stringify(filters) } });
  if (opts.quiet) return void nets.forEach((n) => ctx.out.write(`${n.Id.slice(0, 12)}\n`));
  const rows = nets.map((n) => ({
    ID: n.Id.slice(0, 12),
    Name: n.Name,
    Driver: n.Driver,
    Scope: n.Scope,
    Subnet: n.IPAM.Config[0]?.Subnet ?? '',
    Internal: String(n.Internal),
  }));
  printFormatted(ctx.out, opts.format, rows, () =>
    renderTable([['ID', 'NETWORK ID'], ['Name', 'NAME'], ['Driver', 'DRIVER'], ['Scope', 'SCOPE'], ['Subnet', 'SUBNET']], rows),
  );
}

async function inspectAction(ctx: CliContext, names: string[], opts: { format?: string }): Promise<void> {
  const client = await ctx.client();
  const results: NetworkResource[] = [];
  await forEachName(ctx, names, async (name) => void results.push(await client.json<NetworkResource>('GET', networkPath(name))));
  if (opts.format && opts.format !== 'json') {
    for (const r of results) ctx.out.write(renderTemplate(opts.format, r as unknown as Record<string, unknown>) + '\n');
  } else ctx.out.write(JSON.stringify(results, null, 4) + '\n');
}

async function removeAction(ctx: CliContext, names: string[]): Promise<void> {
  const client = await ctx.client();
  await forEachName(ctx, names, async (name) => {
    await client.json('DELETE', networkPath(name));
    ctx.out.write(`${name}\n`);
  });
}

async function pruneAction(ctx: CliContext, opts: { force?: boolean }): Promise<void> {
  if (!opts.force && !(await confirm(ctx, 'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] '))) return;
  const result = await (await ctx.client()).json<{ NetworksDeleted: string[] | null }>('POST', '/v1/networks/prune');
  const deleted = result.NetworksDeleted ?? [];
  if (deleted.length) ctx.out.write(`Deleted Networks:\n${deleted.join('\n')}\n`);
}

export function registerNetworkCommands(program: Command, ctx: CliContext): void {
  const network = program.command('network').description('manage networks');
  network
    .command('create <name>')
    .description('create a bridge network')
    .option('-d, --driver <driver>', 'network driver (only bridge)')
    .option('--subnet <cidr>', 'IPv4 subnet, e.g. 10.91.5.0/24 (default: a free /24 of the daemon\'s pool)')
    .option('--gateway <ip>', 'gateway address in the subnet (default: its first address)')
    .option('--internal', 'no route out of the network (no NAT, no default route)')
    .option('--label <k=v>', 'set a label', collect)
    .action((name: string, opts: CreateOpts) => createAction(ctx, name, opts));
  network
    .command('ls')
    .alias('list')
    .description('list networks')
    .option('-q, --quiet', 'only network IDs')
    .option('-f, --filter <k=v>', 'filter: name, id, label, driver, type=custom|builtin', collect)
    .option('--format <format>', "'table', 'json', or a template like '{{.Name}}'")
    .action((opts) => listAction(ctx, opts));
  network
    .command('inspect <network...>')
    .description('show details of networks as JSON')
    .option('-f, --format <template>', "a template like '{{.Name}}' or 'json'")
    .action((names: string[], opts) => inspectAction(ctx, names, opts));
  network
    .command('rm <network...>')
    .alias('remove')
    .description('remove networks')
    .action((names: string[]) => removeAction(ctx, names));
  network
    .command('connect <network> <container>')
    .description('connect a container to a network')
    .option('--alias <name>', 'another name for the container on this network', collect)
    .action(async (net: string, container: string, opts: { alias?: string[] }) => {
      await (await ctx.client()).json('POST', networkPath(net, '/connect'), { body: { Container: container, EndpointConfig: { Aliases: opts.alias ?? [] } } });
    });
  network
    .command('disconnect <network> <container>')
    .description('disconnect a container from a network')
    .action(async (net: string, container: string) => {
      await (await ctx.client()).json('POST', networkPath(net, '/disconnect'), { body: { Container: container } });
    });
  network
    .command('prune')
    .description('remove networks no container uses')
    .option('-f, --force', 'do not ask for confirmation')
    .action((opts) => pruneAction(ctx, opts));
}
