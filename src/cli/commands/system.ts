/** System commands: version, info, system df, system info, events. */
import type { Command } from 'commander';
import { ForgeError } from '../../errors';
import type { DiskUsage, SystemInfo, VersionInfo } from '../../config/api-types';
import { humanSize, timeAgo } from '../../util/format';
import { shortId } from '../../util/digest';
import type { CliContext } from '../context';
import { printFormatted, renderTable, renderTemplate } from '../render/table';
import { CLI_VERSION } from '../version';

async function versionAction(ctx: CliContext, opts: { format?: string }): Promise<void> {
  const clientInfo = { Version: CLI_VERSION, NodeVersion: process.version, Os: process.platform, Arch: process.arch };
  let server: VersionInfo | undefined;
  let serverError: string | undefined;
  try {
    server = await (await ctx.client()).json<VersionInfo>('GET', '/v1/version');
  } catch (err) {
    serverError = (err as Error).message;
  }
  const all = { Client: clientInfo, Server: server ?? null };
  if (opts.format === 'json') ctx.out.write(JSON.stringify(all) + '\n');
  else if (opts.format) ctx.out.write(renderTemplate(opts.format, all) + '\n');
  else {
    ctx.out.write(`Client:\n Version:       ${clientInfo.Version}\n Node.js:       ${clientInfo.NodeVersion}\n OS/Arch:       ${clientInfo.Os}/${clientInfo.Arch}\n\n`);
    if (server) {
      ctx.out.write(
        `Server: ForgeOne\n Version:       ${server.Version}\n API version:   ${server.ApiVersion} (minimum version ${server.MinAPIVersion})\n` +
          ` Node.js:       ${server.NodeVersion}\n OS/Arch:       ${server.Os}/${server.Arch}\n Kernel:        ${server.KernelVersion}\n`,
      );
    }
  }
  if (serverError) {
    ctx.err.write(`Error: ${serverError}\n`);
    process.exitCode = 1;
  }
}

async function infoAction(ctx: CliContext, opts: { format?: string }): Promise<void> {
  const info = await (await ctx.client()).json<SystemInfo>('GET', '/v1/info');
  if (opts.format === 'json') return void ctx.out.write(JSON.stringify(info) + '\n');
  if (opts.format) return void ctx.out.write(renderTemplate(opts.format, info as unknown as Record<string, unknown>) + '\n');
  const runtimes = Object.entries(info.Runtimes)
    .map(([name, r]) => `${name}${r.available ? '' : ' (not installed)'}`)
    .join(' ');
  ctx.out.write(
    [
      'Server:',
      ` Containers: ${info.Containers}`,
      `  Running: ${info.ContainersRunning}`,
      `  Paused: ${info.ContainersPaused}`,
      `  Stopped: ${info.ContainersStopped}`,
      ` Images: ${info.Images}`,
      ` Server Version: ${info.ServerVersion}`,
      ` Storage Driver: ${info.Driver}`,
      ` Cgroup Driver: ${info.CgroupDriver}`,
      ` Cgroup Version: ${info.CgroupVersion}`,
      ` Runtimes: ${runtimes}`,
      ` Default Runtime: ${info.DefaultRuntime}`,
      ` Security Options: ${info.SecurityOptions.join(', ')}`,
      ` Kernel Version: ${info.KernelVersion}`,
      ` Operating System: ${info.OperatingSystem}`,
      ` OSType: ${info.OSType}`,
      ` Architecture: ${info.Architecture}`,
      ` CPUs: ${info.NCPU}`,
      ` Total Memory: ${humanSize(info.MemTotal)}`,
      ` Name: ${info.Name}`,
      ` ID: ${info.ID}`,
      ` Root Dir: ${info.DockerRootDir}`,
      ` Run Root: ${info.RunRoot}`,
      ` Insecure Registries: ${['127.0.0.0/8', ...info.RegistryConfig.InsecureRegistryCIDRs].join(', ')}`,
      ...(info.RegistryConfig.Mirrors.length ? [` Registry Mirrors: ${info.RegistryConfig.Mirrors.join(', ')}`] : []),
      ` Daemon PID: ${info.Pid}, up since ${info.StartedAt}`,
      '',
    ].join('\n'),
  );
}

async function dfAction(ctx: CliContext, opts: { verbose?: boolean; format?: string }): Promise<void> {
  const df = await (await ctx.client()).json<DiskUsage>('GET', '/v1/system/df');
  const pct = (part: number, whole: number) => (whole > 0 ? ` (${Math.round((part / whole) * 100)}%)` : '');
  const rows = [
    { Type: 'Images', TotalCount: String(df.Images.Count), Active: String(df.Images.Active), Size: humanSize(df.Images.Size), Reclaimable: humanSize(df.Images.Reclaimable) + pct(df.Images.Reclaimable, df.Images.Size) },
    { Type: 'Containers', TotalCount: String(df.Containers.Count), Active: String(df.Containers.Active), Size: humanSize(df.Containers.Size), Reclaimable: humanSize(df.Containers.Reclaimable) + pct(df.Containers.Reclaimable, df.Containers.Size) },
    { Type: 'Local Volumes', TotalCount: String(df.Volumes.Count), Active: String(df.Volumes.Active), Size: humanSize(df.Volumes.Size), Reclaimable: humanSize(df.Volumes.Reclaimable) + pct(df.Volumes.Reclaimable, df.Volumes.Size) },
  ];
  if (opts.format === 'json' && opts.verbose) return void ctx.out.write(JSON.stringify(df) + '\n');
  printFormatted(ctx.out, opts.format, rows, () =>
    renderTable([['Type', 'TYPE'], ['TotalCount', 'TOTAL'], ['Active', 'ACTIVE'], ['Size', 'SIZE'], ['Reclaimable', 'RECLAIMABLE']], rows),
  );
  if (opts.verbose && !opts.format) {
    ctx.out.write('\nImages space usage:\n\n');
    const detail = df.ImagesDetail.map((i) => ({
      Repository: i.RepoTags[0]?.slice(0, i.RepoTags[0].lastIndexOf(':')) ?? '<none>',
      Tag: i.RepoTags[0]?.slice(i.RepoTags[0].lastIndexOf(':') + 1) ?? '<none>',
      ID: shortId(i.Id),
      Created: i.Created ? timeAgo(i.Created * 1000) : 'N/A',
      Size: humanSize(i.Size),
      Shared: humanSize(i.SharedSize),
      Unique: humanSize(i.UniqueSize),
    }));
    ctx.out.write(
      renderTable([['Repository', 'REPOSITORY'], ['Tag', 'TAG'], ['ID', 'IMAGE ID'], ['Created', 'CREATED'], ['Size', 'SIZE'], ['Shared', 'SHARED SIZE'], ['Unique', 'UNIQUE SIZE']], detail),
    );
    ctx.out.write(`\nContent store: ${df.ContentStore.Blobs} blobs, ${humanSize(df.ContentStore.Size)}\n`);
  }
}

function toUnixSeconds(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return value;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new ForgeError('InvalidArgument', `--${name}: "${value}" is neither unix seconds nor a date`);
  return String(ms / 1000);
}

async function eventsAction(ctx: CliContext, opts: { since?: string; until?: string; format?: string }): Promise<void> {
  const client = await ctx.client();
  const since = toUnixSeconds(opts.since, 'since');
  const until = toUnixSeconds(opts.until, 'until');
  const res = await client.request('GET', '/v1/events', { query: { since, until } });
  let buffered = '';
  for await (const chunk of res) {
    buffered += (chunk as Buffer).toString('utf8');
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (!line.trim()) continue;
      const e = JSON.parse(line) as { timeNano: string; topic: string; actor: string; attributes: Record<string, string> };
      if (opts.format === 'json') ctx.out.write(line + '\n');
      else {
        const time = new Date(Number(BigInt(e.timeNano) / 1_000_000n)).toISOString();
        const attrs = Object.entries(e.attributes).map(([k, v]) => `${k}=${v}`).join(', ');
        ctx.out.write(`${time} ${e.topic} ${e.actor}${attrs ? ` (${attrs})` : ''}\n`);
      }
    }
  }
}

export function registerSystemCommands(program: Command, ctx: CliContext): void {
  program.command('version').description('show the client and daemon versions').option('-f, --format <format>', "'json' or a template").action((opts) => versionAction(ctx, opts));
  const system = program.command('system').description('manage ForgeOne');
  for (const parent of [program, system]) {
    parent.command('info').description('show system-wide information').option('-f, --format <format>', "'json' or a template").action((opts) => infoAction(ctx, opts));
    parent.command('events').description('stream events from the daemon').option('--since <time>', 'also show events since this time (unix seconds or a date)').option('--until <time>', 'stop at this time (unix seconds or a date)').option('--format <format>', "'json'").action((opts) => eventsAction(ctx, opts));
  }
  system
    .command('df')
    .description('show disk usage')
    .option('-v, --verbose', 'show per-image usage')
    .option('--format <format>', "'json' or a template")
    .action((opts) => dfAction(ctx, opts));
}
