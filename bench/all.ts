/**
 * bench/run-all (`npm run bench`): ForgeOne against crun, Podman and containerd, measured side by
 * side in one run and interleaved (the hosts are shared and noisy: only ratios taken together
 * mean something). Installs the peers from Debian (full mode), prepares the same busybox image
 * from a local registry in each, and prints ONE table of medians, spreads, ratios and targets,
 * saved as JSON in bench/results/ (quick runs in bench/results/quick/) with the change since the
 * previous results file. See bench/README.md for what each figure means and what was learned.
 *
 *   node dist/bench/all.js [--quick] [--iterations N] [--concurrent N] [--idle N] [--big-mb M]
 *
 * --quick (CI): few iterations, small counts, and peers that are not installed are skipped
 * (the table says so); ForgeOne's own figures always run.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as path from 'node:path';
import { startRegistry } from '../test/fixtures/registry';
import { buildBusyboxImage, buildRandomImage } from '../test/fixtures/images';
import { pushLayout } from '../test/fixtures/push';
import { FORGEONE_BIN, TestDaemon } from '../test/fixtures/daemon';
import { TempDirs } from '../test/fixtures/tmp';
import { arg, ensurePackages, run } from './lib';
import { prepareContainerd, prepareCrun, preparePodman } from './peers';
import { loadPrevious, printResults, saveResults, type Results, type Row } from './report';
import { measureBurst, measureIdle, measurePull, measureStartToExit, type Setup } from './figures';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const params = {
    iterations: arg(argv, '--iterations', quick ? 3 : 15),
    concurrent: arg(argv, '--concurrent', quick ? 5 : 20),
    rounds: arg(argv, '--rounds', quick ? 1 : 3),
    idle: arg(argv, '--idle', quick ? 5 : 100),
    bigMb: arg(argv, '--big-mb', quick ? 8 : 100),
    pulls: arg(argv, '--pulls', quick ? 1 : 5),
  };
  if (!quick) ensurePackages({ crun: 'crun', podman: 'podman', ctr: 'containerd', containerd: 'containerd', conmon: 'conmon' });
  const load0 = loadavg()[0]!;
  const tmp = new TempDirs();
  const registry = await startRegistry();
  const daemon = await TestDaemon.start({ logLevel: 'info' });
  const cleanups: Array<() => unknown> = [];
  try {
    const image = await buildBusyboxImage(await tmp.make('bench-img-'));
    await pushLayout(image.layoutDir, image.tag, registry.host, 'bench/busybox:latest');
    const big = await buildRandomImage(await tmp.make('bench-big-'), { size: params.bigMb * 1024 * 1024 });
    await pushLayout(big.layoutDir, big.tag, registry.host, 'bench/big:latest');
    // The pushed layout dirs are no longer needed; the bundle below re-extracts from `image`.
    const ref = `${registry.host}/bench/busybox:latest`;
    const fo = (...a: string[]) => ['--host', `unix://${daemon.socket}`, ...a];
    run(FORGEONE_BIN, fo('pull', '-q', ref));

    const crun = await prepareCrun(tmp, image);
    const podman = await preparePodman(tmp, ref);
    if (podman) cleanups.push(() => podman.cleanup());
    const containerd = await prepareContainerd(tmp, ref);
    if (containerd) cleanups.push(() => containerd.stop());

    const setup: Setup = { daemon, ref, bigRef: `${registry.host}/bench/big:latest`, bigChainId: big.diffIds[0]!, fo, crun, podman, containerd, networking: forgeoneHasNetworking(fo), tmp };
    const rows: Row[] = [];
    rows.push(...(await measureStartToExit(setup, params.iterations)));
    rows.push(...(await measureBurst(setup, params.concurrent, params.rounds)));
    rows.push(...(await measureIdle(setup, params.idle, Math.max(3, Math.min(params.iterations, 10)), quick ? 0 : 20_000)));
    rows.push(...(await measurePull(setup, params.pulls, params.bigMb)));

    const results: Results = { date: new Date().toISOString(), mode: quick ? 'quick' : 'full', load: [load0, loadavg()[0]!], params, rows };
    const previous = loadPrevious(results.mode);
    printResults(results, previous);
    console.log(`\nsaved ${path.relative(process.cwd(), saveResults(results))}`);
  } finally {
    // Cleanup failures are reported but never hide the error that got us here.
    for (const step of [...cleanups, () => daemon.destroy(), () => registry.stop(), () => tmp.cleanup()]) {
      try {
        await step();
      } catch (err) {
        console.error('bench cleanup:', (err as Error).message);
      }
    }
    rmSync(path.join(daemon.dir), { recursive: true, force: true });
  }
}

/** Networking lands on another branch: the bridge row measures once `run --network` exists. */
function forgeoneHasNetworking(fo: (...a: string[]) => string[]): boolean {
  const help = spawnSync(FORGEONE_BIN, fo('run', '--help'), { encoding: 'utf8' });
  return /--network\b/.test(help.stdout ?? '');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
