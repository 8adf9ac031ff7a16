/**
 * The figures of the harness, each measured for ForgeOne and its peers in the same loop
 * (interleaved, with the order rotated every iteration so no runtime always goes first after
 * a burst of another's work). Each returns table rows (report.ts) with the targets.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { readAll } from '../src/api/client';
import { FORGEONE_BIN, type TestDaemon } from '../test/fixtures/daemon';
import type { TempDirs } from '../test/fixtures/tmp';
import { rssOf, run, runAsync, stats, timed, timedAsync, type Stats } from './lib';
import { podmanStorage, resetPodman, type Containerd, type Crun, type Podman } from './peers';
import type { Row } from './report';

export interface Setup {
  daemon: TestDaemon;
  ref: string;
  bigRef: string;
  bigChainId: string;
  /** The CLI's arguments up to the command (its daemon); run with FORGEONE_BIN as an executable, as users run `forgeone`. */
  fo: (...a: string[]) => string[];
  crun: Crun | undefined;
  podman: Podman | undefined;
  containerd: Containerd | undefined;
  /** `forgeone run --network` exists (networking landed). */
  networking: boolean;
  tmp: TempDirs;
}

const NOT_INSTALLED = 'not installed';
const NO_NETWORKING = 'n/a until networking lands';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const escape = (s: string) => s.replace(/[/.]/g, '\\$&');

type Sampler = [name: string, once: (i: number) => Promise<number>];

async function interleave(samplers: Sampler[], iterations: number): Promise<Record<string, Stats>> {
  const samples: Record<string, number[]> = Object.fromEntries(samplers.map(([n]) => [n, []]));
  for (let i = 0; i < iterations; i++) {
    for (let k = 0; k < samplers.length; k++) {
      const [name, once] = samplers[(i + k) % samplers.length]!;
      samples[name]!.push(await once(i));
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, stats(v)]));
}

/** The API's create+start+wait as a client sees it, `wait` registered before `start`; no network (like the bare crun it is compared with). */
export async function apiRun(daemon: TestDaemon, ref: string, cmd: string[]): Promise<string> {
  const { Id } = await daemon.client.json<{ Id: string }>('POST', '/v1/containers/create', { body: { image: ref, cmd, networkMode: 'none' } });
  let sent!: () => void;
  const registered = new Promise<void>((r) => (sent = r));
  const waiting = daemon.client.json('POST', `/v1/containers/${Id}/wait`, { query: { condition: 'next-exit' }, onSent: sent });
  await registered;
  await readAll(await daemon.client.request('POST', `/v1/containers/${Id}/start`));
  await waiting;
  return Id;
}

export async function measureStartToExit(s: Setup, iterations: number): Promise<Row[]> {
  const { fo, ref, crun, podman, containerd } = s;
  const none = s.networking ? ['--network', 'none'] : [];
  const samplers: Sampler[] = [
    ['forgeone cli none', async () => timed(() => run(FORGEONE_BIN, fo('run', '--rm', ...none, ref, 'true')))],
    // Removal is outside the timed part: crun run and ctr/podman --rm time their own clean-up, the API's is a separate call.
    [
      'forgeone api',
      async () => {
        let id = '';
        const ms = await timedAsync(async () => (id = await apiRun(s.daemon, ref, ['true'])));
        await readAll(await s.daemon.client.request('DELETE', `/v1/containers/${id}`));
        return ms;
      },
    ],
  ];
  if (s.networking) samplers.push(['forgeone cli bridge', async () => timed(() => run(FORGEONE_BIN, fo('run', '--rm', ref, 'true')))]);
  let ownSpec: { bundle: string; id: string } | undefined;
  if (crun) {
    samplers.push(['crun', async (i) => timed(() => run('crun', ['run', '-b', crun.bundle, `bench-crun-${i}`]))]);
    ownSpec = await forgeoneSpecBundle(s);
    const b = ownSpec.bundle;
    samplers.push(['crun forgeone spec', async (i) => timed(() => run('crun', ['run', '-b', b, `bench-crun-own-${i}`]))]);
  }
  if (containerd) samplers.push(['ctr', async (i) => timed(() => run('ctr', containerd.args('run', '--rm', ref, `bench-ctr-${i}`, 'true')))]);
  if (podman) {
    samplers.push(['podman none', async () => timed(() => run('podman', podman.runArgs('none', '--rm', ref, 'true')))]);
    if (s.networking) samplers.push(['podman bridge', async () => timed(() => run('podman', podman.runArgs('default', '--rm', ref, 'true')))]);
  }
  // One warm-up round each (page cache, first-use paths) that is not counted.
  await interleave(samplers, 1);
  const r = await interleave(samplers, iterations);
  if (ownSpec) {
    await readAll(await s.daemon.client.request('DELETE', `/v1/containers/${ownSpec.id}`, { query: { force: true } }));
    // crun removed each run's cgroup; their parent is left in every hierarchy.
    spawnSync('sh', ['-c', 'rmdir /sys/fs/cgroup/*/forgeone-bench /sys/fs/cgroup/forgeone-bench 2>/dev/null'], { stdio: 'ignore' });
  }
  const cli = `forgeone run --rm${s.networking ? ' --network none' : ''} busybox true (CLI, warm daemon)`;
  return [
    { key: 'run-none', figure: cli, unit: 'ms', forgeone: r['forgeone cli none'], peer: 'ctr run --rm', ...peer(r.ctr, containerd), target: { kind: 'ratio', max: 1.0 } },
    { key: 'run-none-podman', figure: cli, unit: 'ms', forgeone: r['forgeone cli none'], peer: 'podman run --rm --network none', ...peer(r['podman none'], podman) },
    s.networking
      ? { key: 'run-bridge', figure: 'forgeone run --rm busybox true (default bridge)', unit: 'ms', forgeone: r['forgeone cli bridge'], peer: 'podman run --rm (bridge)', ...peer(r['podman bridge'], podman), target: { kind: 'ratio', max: 0.5 } }
      : { key: 'run-bridge', figure: 'forgeone run --rm busybox true (default bridge)', unit: 'ms', note: NO_NETWORKING, peer: 'podman run --rm (bridge)', target: { kind: 'ratio', max: 0.5 } },
    { key: 'api', figure: 'API create+start+wait, no network', unit: 'ms', forgeone: r['forgeone api'], peer: 'crun run (prepared bundle)', ...peer(r.crun, crun), target: { kind: 'ratio', max: 1.25 } },
    // How much of that ratio is ForgeOne's stricter spec (seccomp, masked paths, cgroup limits, devices) rather than its machinery.
    { key: 'api-own-spec', figure: 'API create+start+wait, no network', unit: 'ms', forgeone: r['forgeone api'], peer: "crun run, ForgeOne's spec", ...peer(r['crun forgeone spec'], crun) },
  ];
}

/**
 * A bundle with the spec ForgeOne writes for `true` (its seccomp profile, masked paths, cgroup
 * limits…) over the rootfs of a created, never started container: crun alone with that spec.
 */
async function forgeoneSpecBundle(s: Setup): Promise<{ bundle: string; id: string }> {
  const { Id } = await s.daemon.client.json<{ Id: string }>('POST', '/v1/containers/create', { body: { image: s.ref, cmd: ['true'], ...(s.networking ? { networkMode: 'none' } : {}) } });
  const spec = JSON.parse(readFileSync(path.join(s.daemon.root, 'containers', Id, 'spec.json'), 'utf8'));
  // A namespace file the daemon makes only at start: crun gets a fresh network namespace instead.
  for (const ns of (spec.linux?.namespaces ?? []) as Array<{ type: string; path?: string }>) if (ns.type === 'network') delete ns.path;
  spec.linux.cgroupsPath = `/forgeone-bench/${Id.slice(0, 12)}`;
  const bundle = await s.tmp.make('bench-own-spec-');
  writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec));
  return { bundle, id: Id };
}

function peer(x: Stats | undefined, installed: unknown): Pick<Row, 'peerStats' | 'note'> {
  if (!installed) return { note: NOT_INSTALLED };
  return x ? { peerStats: x } : {};
}

export async function measureBurst(s: Setup, n: number, rounds: number): Promise<Row[]> {
  const { fo, ref, podman, containerd } = s;
  const none = s.networking ? ['--network', 'none'] : [];
  const all = (one: (i: number) => Promise<void>) => async (round: number) => timedAsync(() => Promise.all(Array.from({ length: n }, (_, i) => one(round * 1000 + i))));
  const samplers: Sampler[] = [['forgeone', all(() => runAsync(FORGEONE_BIN, fo('run', '--rm', ...none, ref, 'true')))]];
  if (containerd) samplers.push(['ctr', all((i) => runAsync('ctr', containerd.args('run', '--rm', ref, `bench-burst-${i}`, 'true')))]);
  if (podman) samplers.push(['podman', all(() => runAsync('podman', podman.runArgs('none', '--rm', ref, 'true')))]);
  const r = await interleave(samplers, rounds);
  const figure = `${n} containers started at once, wall time (CLI run --rm)`;
  return [
    { key: 'burst', figure, unit: 'ms', forgeone: r.forgeone, peer: 'ctr run --rm', ...peer(r.ctr, containerd), target: { kind: 'ratio', max: 0.5 } },
    { key: 'burst-podman', figure, unit: 'ms', forgeone: r.forgeone, peer: 'podman run --rm', ...peer(r.podman, podman) },
  ];
}

/** Resident memory, sampled `times` over a second (a monitor's RSS moves a little as it logs). */
async function sampleKb(read: () => number, times = 3): Promise<Stats> {
  const kb: number[] = [];
  for (let i = 0; i < times; i++) {
    kb.push(read() / 1024);
    await sleep(300);
  }
  return stats(kb);
}

function rssOfPid(pid: number): number {
  const rss = /^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(rss ?? 0);
}

async function inBatches(n: number, batch: number, one: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < n; i += batch) await Promise.all(Array.from({ length: Math.min(batch, n - i) }, (_, k) => one(i + k)));
}

/**
 * N idle containers (`sleep`) in each runtime, one runtime at a time: monitor memory per
 * container, the daemon's RSS, and how long `ps` takes with them listed.
 */
export async function measureIdle(s: Setup, n: number, psRuns: number, settleMs = 0): Promise<Row[]> {
  const { daemon, fo, ref, podman, containerd } = s;
  const names = Array.from({ length: n }, (_, i) => `bench-idle-${i}`);
  const ids: string[] = [];
  await inBatches(n, 10, async (i) => {
    const { Id } = await daemon.client.json<{ Id: string }>('POST', '/v1/containers/create', { body: { image: ref, name: names[i], cmd: ['sleep', '600'], ...(s.networking ? { networkMode: 'none' } : {}) } });
    await readAll(await daemon.client.request('POST', `/v1/containers/${Id}/start`));
    ids.push(Id);
  });
  await sleep(500);
  const foMonitor = await sampleKb(() => rssOf(new RegExp(`conmon .*${escape(daemon.runroot)}`)).kb / n);
  const foDaemon = await sampleKb(() => rssOfPid(daemon.pid!));
  // Half a second after a burst of 100 starts, a garbage-collected daemon still holds the burst's
  // garbage (V8 shrinks its heap once idle, ~8 s later; Go's GC paces itself likewise): the same
  // daemons once they have settled, as a daemon with idle containers spends its time.
  const foSettled = settleMs > 0 ? (await sleep(settleMs), await sampleKb(() => rssOfPid(daemon.pid!))) : undefined;
  const foPs: number[] = [];
  const psPodman: number[] = [];
  for (let i = 0; i < psRuns; i++) foPs.push(timed(() => run(FORGEONE_BIN, fo('ps'))));
  await inBatches(n, 10, async (i) => readAll(await daemon.client.request('DELETE', `/v1/containers/${ids[i]}`, { query: { force: true } })));

  let podMonitor: Stats | undefined;
  if (podman) {
    await inBatches(n, 5, (i) => runAsync('podman', podman.runArgs('none', '-d', '--name', names[i]!, ref, 'sleep', '600')));
    await sleep(500);
    podMonitor = await sampleKb(() => rssOf(new RegExp(`conmon .*${escape(podman.dir)}`)).kb / n);
    for (let i = 0; i < psRuns; i++) psPodman.push(timed(() => run('podman', podman.args('ps'))));
    run('podman', podman.args('rm', '-f', '-t', '0', ...names));
  }
  let shim: Stats | undefined;
  let containerdRss: Stats | undefined;
  let containerdSettled: Stats | undefined;
  if (containerd) {
    await inBatches(n, 10, (i) => runAsync('ctr', containerd.args('run', '-d', ref, names[i]!, 'sleep', '600')));
    await sleep(500);
    shim = await sampleKb(() => rssOf(new RegExp(`containerd-shim.*${escape(containerd.dir)}`)).kb / n);
    containerdRss = await sampleKb(() => rssOfPid(containerd.pid));
    if (settleMs > 0) {
      await sleep(settleMs);
      containerdSettled = await sampleKb(() => rssOfPid(containerd.pid));
    }
    await containerd.removeAll(names);
  }
  return [
    { key: 'monitor-mem', figure: 'memory per idle container (monitor processes)', unit: 'MB', forgeone: foMonitor, peer: "podman's conmon", ...peer(podMonitor, podman), target: { kind: 'ratio', max: 1.0 } },
    { key: 'monitor-mem-shim', figure: 'memory per idle container (monitor processes)', unit: 'MB', forgeone: foMonitor, peer: 'containerd-shim', ...peer(shim, containerd) },
    { key: 'daemon-rss', figure: `daemon RSS with ${n} idle containers`, unit: 'MB', forgeone: foDaemon, peer: 'containerd', ...peer(containerdRss, containerd), target: { kind: 'ratio', max: 1.0 } },
    ...(foSettled ? [{ key: 'daemon-rss-settled', figure: `daemon RSS with ${n} idle containers, ${settleMs / 1000} s later`, unit: 'MB' as const, forgeone: foSettled, peer: 'containerd', ...peer(containerdSettled, containerd) }] : []),
    { key: 'ps', figure: `CLI ps with ${n} containers`, unit: 'ms', forgeone: stats(foPs), peer: 'podman ps', ...peer(psPodman.length ? stats(psPodman) : undefined, podman), target: { kind: 'absolute', max: 50 } },
  ];
}

/**
 * Cold pull of the big image, ready to run: both pull and unpack (ForgeOne's pull unpacks the
 * bottom layer while it downloads), podman into fresh storage. ForgeOne's image (its blobs and,
 * through rmi's garbage collection, its snapshot) is removed between runs.
 */
export async function measurePull(s: Setup, pulls: number, mb: number): Promise<Row[]> {
  const { daemon, fo, bigRef, podman } = s;
  const samplers: Sampler[] = [
    [
      'forgeone',
      async () => {
        const ms = timed(() => run(FORGEONE_BIN, fo('pull', '-q', bigRef)));
        run(FORGEONE_BIN, fo('rmi', bigRef));
        rmSync(path.join(daemon.root, 'snapshots', s.bigChainId.replace('sha256:', '')), { recursive: true, force: true });
        return ms;
      },
    ],
  ];
  if (podman) {
    samplers.push([
      'podman',
      async () => {
        const dir = await s.tmp.make('bench-podman-pull-');
        const ms = timed(() => run('podman', podmanStorage(dir, 'pull', '-q', '--tls-verify=false', bigRef)));
        resetPodman(dir);
        spawnSync('rm', ['-rf', dir]);
        return ms;
      },
    ]);
  }
  const r = await interleave(samplers, pulls);
  return [{ key: 'pull', figure: `pull+unpack of a ${mb} MB image`, unit: 'ms', forgeone: r.forgeone, peer: 'podman pull', ...peer(r.podman, podman), target: { kind: 'ratio', max: 0.8 } }];
}
