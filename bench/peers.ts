/**
 * The peers ForgeOne is compared with, each prepared with the same busybox image from the local
 * registry: a bare crun bundle, Podman (its own --root/--runroot under a temp dir) and containerd
 * (its own daemon, socket and state under a temp dir, driven by `ctr`). Each peer says whether it
 * is usable; the harness prints "not installed" for one that is not (quick mode never installs).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { BuiltImage } from '../test/fixtures/images';
import { mountsUnder } from '../test/fixtures/host-state';
import type { TempDirs } from '../test/fixtures/tmp';
import { have, run } from './lib';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Crun {
  bundle: string;
}

/** A bundle with the busybox rootfs and crun's own default spec running `true`. */
export async function prepareCrun(tmp: TempDirs, image: BuiltImage): Promise<Crun | undefined> {
  if (!have('crun')) return undefined;
  const bundle = await tmp.make('bench-bundle-');
  mkdirSync(path.join(bundle, 'rootfs'));
  const layer = path.join(image.layoutDir, 'blobs', 'sha256', image.layerDigests[0]!.replace('sha256:', ''));
  run('tar', ['xzf', layer, '-C', path.join(bundle, 'rootfs')]);
  run('crun', ['spec', '-b', bundle]);
  const spec = JSON.parse(readFileSync(path.join(bundle, 'config.json'), 'utf8'));
  spec.process.terminal = false;
  spec.process.args = ['true'];
  writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec));
  return { bundle };
}

export interface Podman {
  dir: string;
  /** Global options (own storage) followed by `args`. */
  args(...args: string[]): string[];
  /** `run` with the host's rlimit quirk handled and the network chosen. */
  runArgs(network: 'none' | 'default', ...args: string[]): string[];
  cleanup(): void;
}

export async function preparePodman(tmp: TempDirs, ref: string): Promise<Podman | undefined> {
  if (!have('podman')) return undefined;
  const dir = await tmp.make('bench-podman-');
  const args = (...a: string[]) => podmanStorage(dir, ...a);
  // Podman asks for RLIMIT_NOFILE 1048576 and a high NPROC by default, which this host refuses (HOST-NOTES 3).
  const runArgs = (network: 'none' | 'default', ...a: string[]) =>
    args('run', '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=4096:4096', ...(network === 'none' ? ['--network', 'none'] : []), ...a);
  run('podman', args('pull', '-q', '--tls-verify=false', ref));
  return { dir, args, runArgs, cleanup: () => resetPodman(dir) };
}

export function podmanStorage(dir: string, ...a: string[]): string[] {
  return ['--root', path.join(dir, 'root'), '--runroot', path.join(dir, 'run'), '--cgroup-manager', 'cgroupfs', '--events-backend', 'file', ...a];
}

export function resetPodman(dir: string): void {
  spawnSync('podman', podmanStorage(dir, 'system', 'reset', '-f'), { stdio: 'ignore' });
  for (const m of mountsUnder(dir).reverse()) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
}

export interface Containerd {
  dir: string;
  pid: number;
  /** `ctr` options for this daemon and the bench namespace, followed by `args`. */
  args(...args: string[]): string[];
  /** Kills and deletes the named tasks and containers. */
  removeAll(names: string[]): Promise<void>;
  stop(): Promise<void>;
}

export async function prepareContainerd(tmp: TempDirs, ref: string): Promise<Containerd | undefined> {
  if (!have('containerd') || !have('ctr')) return undefined;
  const dir = await tmp.make('bench-containerd-');
  const sock = path.join(dir, 'containerd.sock');
  // No CRI plugin: containerd as `ctr` uses it, the way its own benchmarks run it.
  writeFileSync(path.join(dir, 'config.toml'), 'version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n');
  const child: ChildProcess = spawn('containerd', ['--root', path.join(dir, 'root'), '--state', path.join(dir, 'state'), '--address', sock, '--config', path.join(dir, 'config.toml')], { stdio: 'ignore' });
  const args = (...a: string[]) => ['-a', sock, '-n', 'bench', ...a];
  for (let i = 0; i < 100 && spawnSync('ctr', ['-a', sock, 'version'], { stdio: 'ignore' }).status !== 0; i++) await sleep(100);
  run('ctr', args('images', 'pull', '--plain-http', ref));
  const removeAll = async (names: string[]) => {
    for (const n of names) spawnSync('ctr', args('task', 'kill', '-s', 'SIGKILL', n), { stdio: 'ignore' });
    await sleep(300);
    for (const n of names) {
      spawnSync('ctr', args('task', 'delete', n), { stdio: 'ignore' });
      spawnSync('ctr', args('containers', 'delete', n), { stdio: 'ignore' });
    }
  };
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    for (const m of mountsUnder(dir).reverse()) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
  };
  return { dir, pid: child.pid!, args, removeAll, stop };
}
