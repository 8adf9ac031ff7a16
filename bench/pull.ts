/**
 * bench/pull: pull time of the fixture images from a local docker-registry, ForgeOne side by
 * side with `podman pull` and `skopeo copy … oci:`, interleaved in one run (this machine is
 * noisy), printed as medians with spread and ForgeOne's ratio to each peer.
 *
 *   node dist/bench/pull.js [--iterations N] [--big-mb M] [--quick]
 *
 * Every pull is cold: ForgeOne removes the image (and its blobs) between runs; podman and skopeo
 * get a fresh storage directory each time. ForgeOne's pull stores the blobs and unpacks the
 * layers (the bottom one while it downloads), as podman's does: podman is the like-for-like peer;
 * `skopeo copy` to an OCI layout only stores blobs (a floor: download and verify, no unpack).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { startRegistry } from '../test/fixtures/registry';
import { buildBusyboxImage } from '../test/fixtures/images';
import { buildLayer } from '../test/fixtures/layer';
import { LayoutWriter } from '../test/fixtures/layout';
import { pushLayout } from '../test/fixtures/push';
import { TestDaemon } from '../test/fixtures/daemon';
import { TempDirs } from '../test/fixtures/tmp';

interface Args {
  iterations: number;
  bigMb: number;
}

function parseArgs(argv: string[]): Args {
  const quick = argv.includes('--quick');
  const get = (name: string, fallback: number) => {
    const i = argv.indexOf(name);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  return { iterations: get('--iterations', quick ? 2 : 7), bigMb: get('--big-mb', quick ? 8 : 100) };
}

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

function ensureTools(): void {
  const missing = ['podman', 'skopeo'].filter((c) => !have(c));
  if (missing.length === 0) return;
  console.error(`bench: installing ${missing.join(' ')} (Debian packages)`);
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** A tiny layer plus one incompressible layer of `mb` megabytes: the "big image" of issue 8. */
async function buildBigImage(dir: string, mb: number): Promise<void> {
  const out = new LayoutWriter(dir);
  await out.init();
  const big = await buildLayer([{ type: 'file', path: 'data.bin', content: randomBytes(mb * 1024 * 1024) }]);
  const bb = await buildLayer([{ type: 'file', path: 'bin/placeholder', content: 'x' }]);
  const layers = [await out.writeLayer(bb), await out.writeLayer(big)];
  const config = await out.writeConfig({ platform: { os: 'linux', architecture: 'amd64' }, layers: [bb, big], createdBy: ['placeholder', `random ${mb} MB`] });
  const manifest = await out.writeManifest(config, layers);
  await out.tag(manifest, 'latest');
}

function timed(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

function stats(samples: number[]): { median: number; min: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]! };
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr?.toString()}`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  ensureTools();
  const tmp = new TempDirs();
  const registry = await startRegistry();
  const daemon = await TestDaemon.start();
  try {
    const small = await buildBusyboxImage(await tmp.make('bench-small-'));
    await pushLayout(small.layoutDir, small.tag, registry.host, 'bench/busybox:latest');
    const bigDir = await tmp.make('bench-big-');
    await buildBigImage(bigDir, args.bigMb);
    await pushLayout(bigDir, 'latest', registry.host, 'bench/big:latest');

    const images = { busybox: `${registry.host}/bench/busybox:latest`, [`big-${args.bigMb}MB`]: `${registry.host}/bench/big:latest` };
    const results: Record<string, Record<string, number[]>> = {};
    for (const [label, ref] of Object.entries(images)) {
      const samples: Record<string, number[]> = { forgeone: [], skopeo: [], podman: [] };
      for (let i = 0; i < args.iterations; i++) {
        samples.forgeone!.push(timed(() => run(process.execPath, [daemonCli(), '--host', `unix://${daemon.socket}`, 'pull', '-q', ref])));
        run(process.execPath, [daemonCli(), '--host', `unix://${daemon.socket}`, 'rmi', ref]);
        const ociDir = await tmp.make('bench-oci-');
        samples.skopeo!.push(timed(() => run('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${ref}`, `oci:${ociDir}:latest`])));
        const podRoot = await tmp.make('bench-podman-');
        samples.podman!.push(
          timed(() =>
            run('podman', ['--root', path.join(podRoot, 'root'), '--runroot', path.join(podRoot, 'run'), '--cgroup-manager', 'cgroupfs', '--events-backend', 'file', 'pull', '-q', '--tls-verify=false', ref]),
          ),
        );
        spawnSync('podman', ['--root', path.join(podRoot, 'root'), '--runroot', path.join(podRoot, 'run'), 'system', 'reset', '-f'], { stdio: 'ignore' });
        await tmp.cleanup();
      }
      results[label] = samples;
    }
    report(results, args);
  } finally {
    await daemon.destroy();
    await registry.stop();
    await tmp.cleanup();
  }
}

function daemonCli(): string {
  return path.resolve(__dirname, '..', 'src', 'bin', 'forgeone.js');
}

function report(results: Record<string, Record<string, number[]>>, args: Args): void {
  const rows: Array<Record<string, unknown>> = [];
  console.log(`\npull (cold), ${args.iterations} runs each, interleaved; median [min–max] ms`);
  console.log('image'.padEnd(14) + 'forgeone'.padEnd(22) + 'skopeo copy oci:'.padEnd(22) + 'podman pull'.padEnd(22) + 'ratio vs skopeo  ratio vs podman');
  for (const [image, samples] of Object.entries(results)) {
    const f = stats(samples.forgeone!);
    const s = stats(samples.skopeo!);
    const p = stats(samples.podman!);
    const cell = (x: { median: number; min: number; max: number }) => `${x.median.toFixed(0)} [${x.min.toFixed(0)}–${x.max.toFixed(0)}]`.padEnd(22);
    console.log(image.padEnd(14) + cell(f) + cell(s) + cell(p) + `${(f.median / s.median).toFixed(2)}×`.padEnd(17) + `${(f.median / p.median).toFixed(2)}×`);
    rows.push({ image, forgeone: f, skopeo: s, podman: p, ratioSkopeo: f.median / s.median, ratioPodman: f.median / p.median });
  }
  const dir = path.resolve(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `pull-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), iterations: args.iterations, rows }, null, 2) + '\n');
  console.log(`\nsaved ${file}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
