/**
 * bench/run: start-to-exit of `true` in the busybox image, side by side in one run, interleaved:
 * bare `crun run` on a prepared bundle, `forgeone run --rm` (CLI, warm daemon) and the API's
 * create+start+wait, `podman run --rm`, `ctr run --rm` — all with no network (ForgeOne has no
 * networking yet). Then 20 concurrent starts, and the memory of monitor processes per idle
 * container. Prints medians with spread and ForgeOne's ratios; saves JSON in bench/results/.
 *
 *   node dist/bench/run.js [--iterations N] [--concurrent N] [--idle N] [--quick]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { startRegistry } from '../test/fixtures/registry';
import { buildBusyboxImage } from '../test/fixtures/images';
import { pushLayout } from '../test/fixtures/push';
import { TestDaemon, FORGEONE_BIN } from '../test/fixtures/daemon';
import { TempDirs } from '../test/fixtures/tmp';
import { mountsUnder } from '../test/fixtures/host-state';
import { arg, cell, ensurePackages, printTable, ratio, rssOf, run, runAsync, saveResults, stats, timed, timedAsync, type Stats } from './lib';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const iterations = arg(argv, '--iterations', quick ? 3 : 15);
  const concurrent = arg(argv, '--concurrent', quick ? 5 : 20);
  const idle = arg(argv, '--idle', quick ? 3 : 10);
  ensurePackages({ crun: 'crun', podman: 'podman', ctr: 'containerd', skopeo: 'skopeo' });
  const tmp = new TempDirs();
  const registry = await startRegistry();
  const daemon = await TestDaemon.start();
  let containerd: ChildProcess | undefined;
  let podCleanup = () => undefined as void;
  try {
    const image = await buildBusyboxImage(await tmp.make('bench-img-'));
    await pushLayout(image.layoutDir, image.tag, registry.host, 'bench/busybox:latest');
    const ref = `${registry.host}/bench/busybox:latest`;
    const fo = (...a: string[]) => [FORGEONE_BIN, '--host', `unix://${daemon.socket}`, ...a];
    run(process.execPath, fo('pull', '-q', ref));

    // Bare crun: a bundle with the busybox rootfs and crun's own default spec running `true`.
    const bundle = await tmp.make('bench-bundle-');
    mkdirSync(path.join(bundle, 'rootfs'));
    const layer = path.join(image.layoutDir, 'blobs', 'sha256', image.layerDigests[0]!.replace('sha256:', ''));
    run('tar', ['xzf', layer, '-C', path.join(bundle, 'rootfs')]);
    run('crun', ['spec', '-b', bundle]);
    const spec = JSON.parse(readFileSync(path.join(bundle, 'config.json'), 'utf8'));
    spec.process.terminal = false;
    spec.process.args = ['true'];
    writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec));

    const pod = await tmp.make('bench-podman-');
    const podman = (...a: string[]) => ['--root', path.join(pod, 'root'), '--runroot', path.join(pod, 'run'), '--cgroup-manager', 'cgroupfs', '--events-backend', 'file', ...a];
    // Podman asks for RLIMIT_NOFILE 1048576 and a high NPROC by default, which this host refuses (HOST-NOTES 3).
    const podRun = (...a: string[]) => podman('run', '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=4096:4096', '--network', 'none', ...a);
    podCleanup = () => {
      spawnSync('podman', podman('system', 'reset', '-f'), { stdio: 'ignore' });
      for (const m of mountsUnder(pod).reverse()) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
    };
    run('podman', podman('pull', '-q', '--tls-verify=false', ref));

    const ctrDir = await tmp.make('bench-containerd-');
    const ctrSock = path.join(ctrDir, 'containerd.sock');
    writeFileSync(path.join(ctrDir, 'config.toml'), 'version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n');
    containerd = spawn('containerd', ['--root', path.join(ctrDir, 'root'), '--state', path.join(ctrDir, 'state'), '--address', ctrSock, '--config', path.join(ctrDir, 'config.toml')], { stdio: 'ignore' });
    for (let i = 0; i < 100 && spawnSync('ctr', ['-a', ctrSock, 'version'], { stdio: 'ignore' }).status !== 0; i++) await sleep(100);
    const ctr = (...a: string[]) => ['-a', ctrSock, '-n', 'bench', ...a];
    run('ctr', ctr('images', 'pull', '--plain-http', ref));

    const samples: Record<string, number[]> = { crun: [], 'forgeone API': [], 'forgeone CLI': [], podman: [], ctr: [] };
    for (let i = 0; i < iterations; i++) {
      samples.crun!.push(timed(() => run('crun', ['run', '-b', bundle, `bench-crun-${i}`])));
      samples['forgeone API']!.push(
        await timedAsync(async () => {
          const { Id } = await daemon.client.json<{ Id: string }>('POST', '/v1/containers/create', { body: { image: ref, cmd: ['true'] } });
          const waiting = daemon.client.json('POST', `/v1/containers/${Id}/wait`, { query: { condition: 'next-exit' } });
          await daemon.client.request('POST', `/v1/containers/${Id}/start`).then((r) => r.resume());
          await waiting;
        }),
      );
      samples['forgeone CLI']!.push(timed(() => run(process.execPath, fo('run', '--rm', ref, 'true'))));
      samples.podman!.push(timed(() => run('podman', podRun('--rm', ref, 'true'))));
      samples.ctr!.push(timed(() => run('ctr', ctr('run', '--rm', ref, `bench-ctr-${i}`, 'true'))));
    }
    run(process.execPath, fo('container', 'prune', '-f'));

    const burst: Record<string, Stats> = {};
    const burstOf = async (name: string, one: (i: number) => Promise<void>) => {
      const times: number[] = [];
      for (let round = 0; round < (quick ? 1 : 3); round++) {
        times.push(await timedAsync(() => Promise.all(Array.from({ length: concurrent }, (_, i) => one(round * 1000 + i)))));
      }
      burst[name] = stats(times);
    };
    await burstOf('forgeone CLI', () => runAsync(process.execPath, fo('run', '--rm', ref, 'true')));
    await burstOf('podman', () => runAsync('podman', podRun('--rm', ref, 'true')));
    await burstOf('ctr', (i) => runAsync('ctr', ctr('run', '--rm', ref, `bench-burst-${i}`, 'true')));

    // Memory per idle container: the monitor processes (conmon; containerd-shim) divided by N.
    const memory: Record<string, number> = {};
    for (let i = 0; i < idle; i++) run(process.execPath, fo('run', '-d', '--name', `idle${i}`, ref, 'sleep', '600'));
    await sleep(500);
    memory['forgeone (conmon)'] = rssOf(new RegExp(`conmon .*${daemon.runroot.replace(/[/.]/g, '\\$&')}`)).kb / idle;
    memory['forgeone daemon'] = rssOf(new RegExp(`forgeone\\.js .*${daemon.root.replace(/[/.]/g, '\\$&')}.*daemon`)).kb;
    run(process.execPath, fo('rm', '-f', ...Array.from({ length: idle }, (_, i) => `idle${i}`)));
    for (let i = 0; i < idle; i++) run('podman', podRun('-d', '--name', `idle${i}`, ref, 'sleep', '600'));
    await sleep(500);
    memory['podman (conmon)'] = rssOf(new RegExp(`conmon .*${pod.replace(/[/.]/g, '\\$&')}`)).kb / idle;
    run('podman', podman('rm', '-f', '-t', '0', ...Array.from({ length: idle }, (_, i) => `idle${i}`)));
    for (let i = 0; i < idle; i++) run('ctr', ctr('run', '-d', ref, `idle${i}`, 'sleep', '600'));
    await sleep(500);
    memory['containerd (shim)'] = rssOf(new RegExp(`containerd-shim.*-namespace bench`)).kb / idle;
    memory['containerd daemon'] = rssOf(new RegExp(`^containerd --root ${ctrDir.replace(/[/.]/g, '\\$&')}`)).kb;
    for (let i = 0; i < idle; i++) {
      spawnSync('ctr', ctr('task', 'kill', '-s', 'SIGKILL', `idle${i}`), { stdio: 'ignore' });
    }
    await sleep(500);
    for (let i = 0; i < idle; i++) {
      spawnSync('ctr', ctr('task', 'delete', `idle${i}`), { stdio: 'ignore' });
      spawnSync('ctr', ctr('containers', 'delete', `idle${i}`), { stdio: 'ignore' });
    }

    const s = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, stats(v)]));
    printTable(`start-to-exit of \`true\` (busybox, no network), ${iterations} runs each, interleaved: median [min–max]`, ['runtime', 'time', 'vs crun', 'forgeone CLI vs this'], Object.entries(s).map(([k, v]) => [k, cell(v), ratio(v, s.crun), ratio(s['forgeone CLI'], v)]));
    printTable(`${concurrent} containers started at once (wall time)`, ['runtime', 'time', 'forgeone vs this'], Object.entries(burst).map(([k, v]) => [k, cell(v), ratio(burst['forgeone CLI'], v)]));
    printTable(`memory with ${idle} idle containers`, ['what', 'RSS'], Object.entries(memory).map(([k, v]) => [k, `${(v / 1024).toFixed(2)} MB`]));
    console.log(`\nsaved ${saveResults('run', { iterations, concurrent, idle, startToExit: s, burst, memoryKb: memory })}`);
  } finally {
    podCleanup();
    containerd?.kill('SIGTERM');
    // Cleanup failures are reported but never hide the error that got us here.
    for (const step of [() => daemon.destroy(), () => registry.stop(), () => tmp.cleanup()]) {
      await step().catch((err: unknown) => console.error('bench cleanup:', (err as Error).message));
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
