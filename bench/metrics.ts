/**
 * bench/metrics: time of a full `GET /metrics` scrape (and of one container's
 * `/v1/containers/{id}/metrics`) with N idle containers (busybox `sleep`), for each N asked.
 * Containers are created and started through the API in parallel batches, and all removed at the
 * end. Reported per N: the first scrape after the containers started (cgroup files not yet held
 * open, specs not yet read), then the median and spread of steady scrapes, both as the client
 * sees the whole HTTP round trip and as the daemon reports its collection time
 * (forgeone_metrics_collect_duration_seconds), plus the body size and series count.
 *
 *   node dist/bench/metrics.js [--counts 100,500] [--scrapes 15] [--batch 20] [--quick]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { readAll } from '../src/api/client';
import { startBusyboxDaemon, type BusyboxDaemon } from '../test/fixtures/busybox-daemon';

interface Args {
  counts: number[];
  scrapes: number;
  batch: number;
}

function parseArgs(argv: string[]): Args {
  const quick = argv.includes('--quick');
  const get = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    counts: (get('--counts') ?? (quick ? '10,20' : '100,500')).split(',').map(Number),
    scrapes: Number(get('--scrapes') ?? (quick ? 5 : 15)),
    batch: Number(get('--batch') ?? 20),
  };
}

function stats(samples: number[]): { median: number; p90: number; min: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return { median: s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2, p90: s[Math.min(s.length - 1, Math.ceil(s.length * 0.9) - 1)]!, min: s[0]!, max: s[s.length - 1]! };
}

/** Between scrapes, as a scraper would leave some (and so one scrape's work does not pile onto the next). */
const GAP_MS = 200;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU the daemon process uses over `ms`, in percent of one CPU (from /proc/<pid>/stat). */
async function daemonCpuPercent(pid: number, ms: number): Promise<number> {
  const ticks = () => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  };
  const a = ticks();
  await sleep(ms);
  return ((ticks() - a) / 100 / (ms / 1000)) * 100;
}

async function timedScrape(env: BusyboxDaemon, path: string): Promise<{ ms: number; collectMs: number; bytes: number; series: number }> {
  const t = performance.now();
  const body = await readAll(await env.daemon.client.request('GET', path));
  const ms = performance.now() - t;
  const collect = /^forgeone_metrics_collect_duration_seconds (\S+)$/m.exec(body);
  return { ms, collectMs: collect ? Number(collect[1]) * 1000 : NaN, bytes: body.length, series: body.split('\n').filter((l) => l && !l.startsWith('#')).length };
}

/** Creates and starts containers until `target` run, `batch` at a time. */
async function grow(env: BusyboxDaemon, ids: string[], target: number, batch: number): Promise<number> {
  const t = performance.now();
  const client = env.daemon.client;
  while (ids.length < target) {
    const n = Math.min(batch, target - ids.length);
    const first = ids.length;
    const started = await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        // Named: generated names can collide between creates running at once.
        const name = `bench-idle-${first + i}`;
        const { Id } = await client.json<{ Id: string }>('POST', '/v1/containers/create', { body: { image: env.ref, name, cmd: ['sleep', '1000000'] } });
        await readAll(await client.request('POST', `/v1/containers/${Id}/start`));
        return Id;
      }),
    );
    ids.push(...started);
    process.stderr.write(`\r  ${ids.length}/${target} containers running`);
  }
  process.stderr.write('\n');
  return (performance.now() - t) / 1000;
}

async function removeAll(env: BusyboxDaemon, ids: string[], batch: number): Promise<void> {
  for (let i = 0; i < ids.length; i += batch) {
    await Promise.all(ids.slice(i, i + batch).map(async (id) => readAll(await env.daemon.client.request('DELETE', `/v1/containers/${id}`, { query: { force: true } })).catch(() => undefined)));
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const env = await startBusyboxDaemon();
  const ids: string[] = [];
  const rows: Array<Record<string, unknown>> = [];
  try {
    for (const count of args.counts) {
      const startSeconds = await grow(env, ids, count, args.batch);
      const first = await timedScrape(env, '/metrics');
      // Let the starts settle, then see what the idle daemon costs on its own (its exit watchers).
      await sleep(3000);
      const idleCpu = await daemonCpuPercent(env.daemon.pid!, 3000);
      const steady = [];
      for (let i = 0; i < args.scrapes; i++) {
        await sleep(GAP_MS);
        steady.push(await timedScrape(env, '/metrics'));
      }
      const one = [];
      for (let i = 0; i < args.scrapes; i++) one.push((await timedScrape(env, `/v1/containers/${ids[0]}/metrics`)).ms);
      const row = {
        containers: count,
        startSeconds,
        daemonIdleCpuPercent: idleCpu,
        firstScrapeMs: first.ms,
        scrapeMs: stats(steady.map((s) => s.ms)),
        collectMs: stats(steady.map((s) => s.collectMs)),
        oneContainerMs: stats(one),
        bodyBytes: steady[0]!.bytes,
        series: steady[0]!.series,
      };
      rows.push(row);
      report(row);
    }
  } finally {
    process.stderr.write(`  removing ${ids.length} containers\n`);
    await removeAll(env, ids, args.batch);
    await env.teardown();
  }
  const dir = path.resolve(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `metrics-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), scrapes: args.scrapes, rows }, null, 2) + '\n');
  console.log(`\nsaved ${file}`);
}

type Row = {
  containers: number;
  startSeconds: number;
  daemonIdleCpuPercent: number;
  firstScrapeMs: number;
  scrapeMs: ReturnType<typeof stats>;
  collectMs: ReturnType<typeof stats>;
  oneContainerMs: ReturnType<typeof stats>;
  bodyBytes: number;
  series: number;
};

function report(r: Row): void {
  const f = (x: ReturnType<typeof stats>) => `${x.median.toFixed(1)} p90 ${x.p90.toFixed(1)} [${x.min.toFixed(1)}–${x.max.toFixed(1)}]`;
  console.log(`\n${r.containers} idle containers (started in ${r.startSeconds.toFixed(1)} s; the idle daemon uses ${r.daemonIdleCpuPercent.toFixed(0)}% of a CPU)`);
  console.log(`  GET /metrics, first after start   ${r.firstScrapeMs.toFixed(1)} ms`);
  console.log(`  GET /metrics, median p90 [min–max] ${f(r.scrapeMs)} ms (daemon collect: ${f(r.collectMs)} ms)`);
  console.log(`  one container's /metrics          ${f(r.oneContainerMs)} ms`);
  console.log(`  body                              ${(r.bodyBytes / 1024).toFixed(0)} KiB, ${r.series} series`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
