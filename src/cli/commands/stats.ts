/**
 * `stats [--no-stream] [--format json|TEMPLATE] [-a] [CONTAINER…]`: live resource usage, like
 * `docker stats`. Streaming, one stats stream per container (the daemon sends a document a
 * second) and a redraw each second: in place on a terminal, frame after frame otherwise. With no
 * CONTAINER, the running containers are listed again at every redraw, so new ones appear and
 * stopped ones go. `--no-stream` asks each container once (the daemon waits one interval to
 * have a CPU % to report) and prints one table.
 */
import type { Command } from 'commander';
import type { IncomingMessage } from 'node:http';
import type { ContainerSummary } from '../../config/api-types';
import type { DockerStats } from '../../config/container-stats';
import type { ApiClient } from '../../api/client';
import type { CliContext } from '../context';
import { printFormatted } from '../render/table';
import { renderStatsTable, statsRow } from '../render/stats';

interface StatsOptions {
  stream?: boolean;
  all?: boolean;
  format?: string;
}

const REFRESH_MS = 1000;
/** Clear the screen and go home, as docker does on a terminal. */
const CLEAR = '\x1b[2J\x1b[H';

const statsPath = (id: string) => `/v1/containers/${encodeURIComponent(id)}/stats`;

async function targets(client: ApiClient, names: string[], all: boolean): Promise<string[]> {
  if (names.length) return names;
  const list = await client.json<ContainerSummary[]>('GET', '/v1/containers/json', { query: { all } });
  return list.sort((a, b) => b.Created - a.Created).map((c) => c.Id);
}

function print(ctx: CliContext, format: string | undefined, docs: DockerStats[]): void {
  const rows = docs.map(statsRow);
  printFormatted(ctx.out, format, rows, () => renderStatsTable(rows));
}

async function once(ctx: CliContext, client: ApiClient, names: string[], opts: StatsOptions): Promise<void> {
  const ids = await targets(client, names, !!opts.all);
  // Named containers that do not exist fail the command (docker does); listed ones may vanish.
  const docs = await Promise.all(
    ids.map((id) => client.json<DockerStats>('GET', statsPath(id), { query: { stream: '0' } }).catch((err: unknown) => (names.length ? Promise.reject(err) : undefined))),
  );
  print(ctx, opts.format, docs.filter((d): d is DockerStats => d !== undefined));
}

async function* jsonLines<T>(res: IncomingMessage): AsyncGenerator<T> {
  let buffered = '';
  for await (const chunk of res) {
    buffered += (chunk as Buffer).toString('utf8');
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (line) yield JSON.parse(line) as T;
    }
  }
}

async function live(ctx: CliContext, client: ApiClient, names: string[], opts: StatsOptions): Promise<void> {
  // A name that matches no container fails at once (docker does), not once a second.
  await Promise.all(names.map((n) => client.json('GET', `/v1/containers/${encodeURIComponent(n)}/json`)));
  const latest = new Map<string, DockerStats>();
  const streams = new Map<string, AbortController>();
  const watch = (id: string) => {
    if (streams.has(id)) return;
    const abort = new AbortController();
    streams.set(id, abort);
    void (async () => {
      try {
        const res = await client.request('GET', statsPath(id), { query: { stream: '1' }, signal: abort.signal });
        for await (const doc of jsonLines<DockerStats>(res)) latest.set(id, doc);
      } catch {
        // Removed meanwhile, or the daemon went away: the row goes (or keeps its last reading).
      } finally {
        // A named container stays on screen with its last (stopped: zero) reading; listed ones go.
        if (!names.length) latest.delete(id);
        // Named ones are asked again next round (a restart starts a new stream).
        setTimeout(() => streams.delete(id), REFRESH_MS).unref();
      }
    })();
  };
  for (;;) {
    const ids = await targets(client, names, !!opts.all).catch(() => [...latest.keys()]);
    ids.forEach(watch);
    await new Promise((r) => setTimeout(r, REFRESH_MS));
    const shown = ids.flatMap((id) => latest.get(id) ?? []);
    const wanted = new Set(ids);
    for (const id of latest.keys()) if (!wanted.has(id) && !names.length) latest.delete(id);
    if (ctx.out.isTTY) ctx.out.write(CLEAR);
    print(ctx, opts.format, shown);
  }
}

export function registerStats(program: Command, ctx: CliContext): void {
  program
    .command('stats [containers...]')
    .description('live resource usage of containers (all running ones by default)')
    .option('-a, --all', 'include containers that are not running')
    .option('--no-stream', 'print one table and exit')
    .option('--format <format>', 'json, or a Go-style template like "{{.Name}} {{.CPUPerc}}"')
    .action(async (names: string[], opts: StatsOptions) => {
      const client = await ctx.client();
      if (opts.stream === false) await once(ctx, client, names, opts);
      else await live(ctx, client, names, opts);
    });
}
