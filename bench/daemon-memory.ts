/**
 * bench/daemon-memory: where the daemon's resident memory goes, with 0 and N idle containers, for
 * one or more daemon variants running side by side (the host is shared, so only figures taken
 * together compare). A variant is another build, other Node/V8 flags or other environment:
 *
 *   node dist/bench/daemon-memory.js [--idle 100] [--warm 20] [--burst 2] \
 *     [--settle S] [--pull-mb M] [--variant 'LABEL|--node-flag ENV:K=V ...|/other/build/dist/src/bin/forgeone.js'] ...
 *
 * Each daemon gets the busybox image from a local registry, then: RSS at idle; `--warm` API runs
 * (create+start+wait+delete, one variant after the other) whose daemon CPU (utime+stime from
 * /proc/PID/stat) is reported per container; `--burst` rounds of 20 such runs at once (as the
 * full bench does before its idle figure); then N containers created and started through the
 * API (`sleep`, no network, batches of 10 alternating between variants) and RSS again (2 s
 * after the last start, as bench/figures.ts waits 0.5 s; and `--settle` s later). Each
 * figure is split by mapping (/proc/PID/smaps: the node binary's text and data, anonymous
 * memory, native modules, shared libraries) and from inside through bench/mem-probe.ts (V8 heap
 * spaces, external memory, libuv resources by type). See bench/README.md, "Daemon memory".
 */
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { readAll } from '../src/api/client';
import { startRegistry } from '../test/fixtures/registry';
import { buildBusyboxImage, buildRandomImage } from '../test/fixtures/images';
import { pushLayout } from '../test/fixtures/push';
import { FORGEONE_BIN, TestDaemon } from '../test/fixtures/daemon';
import { TempDirs } from '../test/fixtures/tmp';
import { arg, printTable, run } from './lib';
import { apiRun as runToExit } from './figures';

interface Variant {
  label: string;
  nodeOptions: string[];
  env: Record<string, string>;
  bin: string;
}

interface Probe {
  memory: NodeJS.MemoryUsage;
  heap: { total_heap_size: number; used_heap_size: number; malloced_memory: number; peak_malloced_memory: number };
  spaces: Array<{ space_name: string; space_size: number; space_used_size: number; physical_space_size: number }>;
  resources: Record<string, number>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (kb: number) => (kb / 1024).toFixed(1);

function parseVariant(s: string): Variant {
  const [label, opts = '', bin = ''] = s.split('|');
  const words = opts.split(/\s+/).filter(Boolean);
  const env = Object.fromEntries(words.filter((w) => w.startsWith('ENV:')).map((w) => w.slice(4).split('=', 2) as [string, string]));
  return { label: label!, nodeOptions: words.filter((w) => !w.startsWith('ENV:')), env, bin: bin || FORGEONE_BIN };
}

/** kB by category of mapping, from /proc/PID/smaps. */
export function smapsBreakdown(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  let key = 'other';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const [, perms, name] = head as unknown as [string, string, string];
      if (name === process.execPath || name.endsWith('/node')) key = perms.includes('x') ? 'node text' : 'node data';
      else if (name.endsWith('.node')) key = 'native modules';
      else if (name.includes('.so')) key = 'shared libs';
      else if (name === '' || name.startsWith('[')) key = 'anonymous';
      else key = 'other files';
      continue;
    }
    const rss = /^Rss:\s+(\d+)/.exec(line);
    if (rss) out[key] = (out[key] ?? 0) + Number(rss[1]);
  }
  return out;
}

function status(pid: number): { rss: number; threads: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rss: Number(/^VmRSS:\s+(\d+)/m.exec(s)?.[1]), threads: Number(/^Threads:\s+(\d+)/m.exec(s)?.[1]) };
}

/** utime+stime of a process, in ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function probe(pid: number, dir: string): Promise<Probe | undefined> {
  const file = path.join(dir, `${pid}.json`);
  rmSync(file, { force: true });
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 100; i++) {
    await sleep(20);
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Probe;
    } catch {
      // not written yet
    }
  }
  return undefined;
}

/** create+start (an idle container), or figures.ts's create+start+wait and then the removal. */
async function apiRun(d: TestDaemon, ref: string, cmd: string[], remove: boolean): Promise<string> {
  if (!remove) {
    const { Id } = await d.client.json<{ Id: string }>('POST', '/v1/containers/create', { body: { image: ref, cmd, networkMode: 'none' } });
    await readAll(await d.client.request('POST', `/v1/containers/${Id}/start`));
    return Id;
  }
  const id = await runToExit(d, ref, cmd);
  await readAll(await d.client.request('DELETE', `/v1/containers/${id}`, { query: { force: true } }));
  return id;
}

interface Snapshot {
  rss: number;
  threads: number;
  smaps: Record<string, number>;
  probe: Probe | undefined;
}

async function snapshot(d: TestDaemon, dir: string): Promise<Snapshot> {
  // RSS three times 300 ms apart, the median (as bench/figures.ts samples it).
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    samples.push(status(d.pid!).rss);
    await sleep(300);
  }
  const p = await probe(d.pid!, dir);
  return { rss: samples.sort((a, b) => a - b)[1]!, threads: status(d.pid!).threads, smaps: smapsBreakdown(d.pid!), probe: p };
}

function report(title: string, variants: Variant[], snaps: Snapshot[]): void {
  const cats = ['node text', 'node data', 'anonymous', 'native modules', 'shared libs', 'other files'];
  const space = (s: Snapshot, name: string) => s.probe?.spaces.find((x) => x.space_name === name);
  const rows: Array<[string, (s: Snapshot) => string]> = [
    ['VmRSS MB', (s) => mb(s.rss)],
    ...cats.map((c): [string, (s: Snapshot) => string] => [`  ${c}`, (s) => mb(s.smaps[c] ?? 0)]),
    ['threads', (s) => String(s.threads)],
    ['V8 heap total / used MB', (s) => (s.probe ? `${(s.probe.heap.total_heap_size / 2 ** 20).toFixed(1)} / ${(s.probe.heap.used_heap_size / 2 ** 20).toFixed(1)}` : 'n/a')],
    ...['new_space', 'old_space', 'code_space', 'map_space', 'large_object_space'].map((n): [string, (s: Snapshot) => string] => [
      `  ${n} phys/used MB`,
      (s) => {
        const x = space(s, n);
        return x ? `${(x.physical_space_size / 2 ** 20).toFixed(1)} / ${(x.space_used_size / 2 ** 20).toFixed(1)}` : 'n/a';
      },
    ]),
    ['external / arrayBuffers MB', (s) => (s.probe ? `${(s.probe.memory.external / 2 ** 20).toFixed(1)} / ${(s.probe.memory.arrayBuffers / 2 ** 20).toFixed(1)}` : 'n/a')],
    ['V8 malloced MB (peak)', (s) => (s.probe ? `${(s.probe.heap.malloced_memory / 2 ** 20).toFixed(1)} (${(s.probe.heap.peak_malloced_memory / 2 ** 20).toFixed(1)})` : 'n/a')],
    ['libuv resources', (s) => (s.probe ? Object.entries(s.probe.resources).map(([k, v]) => `${k} ${v}`).join(', ') : 'n/a')],
  ];
  printTable(title, ['', ...variants.map((v) => v.label)], rows.map(([name, f]) => [name, ...snaps.map(f)]));
}

/**
 * With `--pull-mb M`: three cold pulls of an image of one M MB random layer by each variant,
 * interleaved, removed between pulls (flags that slow the registry path show here).
 */
async function comparePulls(daemons: TestDaemon[], variants: Variant[], host: string, big: { layoutDir: string; tag: string; diffIds: string[] }): Promise<void> {
  await pushLayout(big.layoutDir, big.tag, host, 'bench/big:latest');
  const ref = `${host}/bench/big:latest`;
  const rows = daemons.map(() => [] as string[]);
  for (let i = 0; i < 3; i++) {
    for (let k = 0; k < daemons.length; k++) {
      const d = daemons[k]!;
      const fo = (...a: string[]) => run(FORGEONE_BIN, ['--host', `unix://${d.socket}`, ...a]);
      const cpu0 = cpuMs(d.pid!);
      const t0 = Date.now();
      fo('pull', '-q', ref);
      rows[k]!.push(`${Date.now() - t0} ms / ${(cpuMs(d.pid!) - cpu0).toFixed(0)} ms`);
      fo('rmi', ref);
      rmSync(path.join(d.root, 'snapshots', big.diffIds[0]!.replace('sha256:', '')), { recursive: true, force: true });
    }
  }
  printTable('cold pull: wall / daemon CPU', ['', ...variants.map((v) => v.label)], [0, 1, 2].map((i) => [`pull ${i + 1}`, ...rows.map((r) => r[i]!)]));
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const idle = arg(argv, '--idle', 100);
  const warm = arg(argv, '--warm', 20);
  const burst = arg(argv, '--burst', 0);
  const settle = arg(argv, '--settle', 0);
  const pullMb = arg(argv, '--pull-mb', 0);
  const variants = argv.flatMap((a, i) => (a === '--variant' ? [parseVariant(argv[i + 1]!)] : []));
  if (variants.length === 0) variants.push(parseVariant('this build'));

  const tmp = new TempDirs();
  const probeDir = await tmp.make('mem-probe-');
  const registry = await startRegistry();
  const daemons: TestDaemon[] = [];
  const savedEnv = { ...process.env };
  try {
    const image = await buildBusyboxImage(await tmp.make('mem-img-'));
    await pushLayout(image.layoutDir, image.tag, registry.host, 'bench/busybox:latest');
    const ref = `${registry.host}/bench/busybox:latest`;
    for (const v of variants) {
      // The daemon inherits this process's environment: the variant's, and where the probe writes.
      process.env = { ...savedEnv, ...v.env, FORGEONE_MEM_PROBE_DIR: probeDir };
      daemons.push(await TestDaemon.start({ logLevel: 'info', bin: v.bin, nodeOptions: [...v.nodeOptions, '-r', path.join(__dirname, 'mem-probe.js')] }));
      process.env = savedEnv;
    }
    for (const d of daemons) run(FORGEONE_BIN, ['--host', `unix://${d.socket}`, 'pull', '-q', ref]);
    await sleep(1000);
    const snaps0: Snapshot[] = [];
    for (const d of daemons) snaps0.push(await snapshot(d, probeDir));
    report('idle, 0 containers (image pulled)', variants, snaps0);

    if (pullMb > 0) await comparePulls(daemons, variants, registry.host, await buildRandomImage(await tmp.make('mem-big-'), { size: pullMb * 2 ** 20 }));

    const cpu = daemons.map(() => 0);
    for (let i = 0; i < warm; i++) {
      for (let k = 0; k < daemons.length; k++) {
        const j = (i + k) % daemons.length;
        const before = cpuMs(daemons[j]!.pid!);
        await apiRun(daemons[j]!, ref, ['true'], true);
        cpu[j]! += cpuMs(daemons[j]!.pid!) - before;
      }
    }
    if (warm > 0) printTable(`daemon CPU per API create+start+wait+delete (${warm} runs each, interleaved)`, ['', ...variants.map((v) => v.label)], [['ms', ...cpu.map((c) => (c / warm).toFixed(1))]]);
    for (let r = 0; r < burst; r++) {
      for (const d of daemons) await Promise.all(Array.from({ length: 20 }, () => apiRun(d, ref, ['true'], true)));
    }

    const ids: string[][] = daemons.map(() => []);
    for (let i = 0; i < idle; i += 10) {
      for (let k = 0; k < daemons.length; k++) {
        const batch = Array.from({ length: Math.min(10, idle - i) }, () => apiRun(daemons[k]!, ref, ['sleep', '600'], false));
        ids[k]!.push(...(await Promise.all(batch)));
      }
    }
    await sleep(2000);
    const snapsN: Snapshot[] = [];
    for (const d of daemons) snapsN.push(await snapshot(d, probeDir));
    report(`${idle} idle containers`, variants, snapsN);
    printTable('growth with containers', ['', ...variants.map((v) => v.label)], [
      ['RSS MB', ...snapsN.map((s, i) => mb(s.rss - snaps0[i]!.rss))],
      [`per container kB`, ...snapsN.map((s, i) => (idle ? ((s.rss - snaps0[i]!.rss) / idle).toFixed(0) : 'n/a'))],
    ]);
    if (settle > 0) {
      await sleep(settle * 1000);
      const snapsS: Snapshot[] = [];
      for (const d of daemons) snapsS.push(await snapshot(d, probeDir));
      report(`${idle} idle containers, ${settle} s later`, variants, snapsS);
    }
    console.log(`\nopen fds: ${daemons.map((d) => readdirSync(`/proc/${d.pid}/fd`).length).join(' / ')}`);
    // What SQLite's page cache (at most 2 MB by default) could hold at most.
    const kb = (f: string) => Math.round((statSync(f, { throwIfNoEntry: false })?.size ?? 0) / 1024);
    console.log(`database: ${daemons.map((d) => `${kb(path.join(d.root, 'forgeone.db'))} kB (+ WAL ${kb(path.join(d.root, 'forgeone.db-wal'))} kB)`).join(' / ')}`);
    for (let k = 0; k < daemons.length; k++) {
      for (let i = 0; i < ids[k]!.length; i += 10) {
        await Promise.all(ids[k]!.slice(i, i + 10).map(async (id) => readAll(await daemons[k]!.client.request('DELETE', `/v1/containers/${id}`, { query: { force: true } }))));
      }
    }
  } finally {
    for (const step of [...daemons.map((d) => () => d.destroy()), () => registry.stop(), () => tmp.cleanup()]) {
      try {
        await step();
      } catch (err) {
        console.error('cleanup:', (err as Error).message);
      }
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
