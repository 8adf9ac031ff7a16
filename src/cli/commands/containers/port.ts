/** `port CONTAINER [PRIVATE_PORT[/PROTO]]`: the published ports, as docker prints them. */
import type { Command } from 'commander';
import type { ContainerInspect } from '../../../config/api-types';
import { ForgeError } from '../../../errors';
import type { CliContext } from '../../context';
import { containerPath } from './paths';

/** `80/tcp -> 127.0.0.1:8080` lines (only the host side when one port is asked for). */
export function portLines(ports: ContainerInspect['NetworkSettings']['Ports'], filter?: string): string[] {
  const key = filter === undefined ? undefined : filter.includes('/') ? filter : `${filter}/tcp`;
  const lines: string[] = [];
  for (const [port, bindings] of Object.entries(ports)) {
    if (key !== undefined && port !== key) continue;
    for (const b of bindings ?? []) lines.push(key ? `${b.HostIp}:${b.HostPort}` : `${port} -> ${b.HostIp}:${b.HostPort}`);
  }
  if (key !== undefined && !lines.length) throw new ForgeError('NotFound', `no public port '${key}' published`);
  return lines;
}

export function registerPort(parent: Command, ctx: CliContext): void {
  parent
    .command('port <container> [port]')
    .description('list the port mappings of a container')
    .action(async (name: string, port: string | undefined) => {
      const c = await (await ctx.client()).json<ContainerInspect>('GET', containerPath(name, '/json'));
      for (const line of portLines(c.NetworkSettings.Ports, port)) ctx.out.write(`${line}\n`);
    });
}
