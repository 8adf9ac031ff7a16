/**
 * bench/wasm: start-to-exit of a hello WebAssembly module, warm (a standby host has it compiled)
 * and cold (a module never seen: boot a host, compile), side by side with busybox `echo` through
 * ForgeOne and bare `crun run`, interleaved in one run; then N concurrent idle modules (total
 * memory, time to start them all), and the same N instances as worker threads of one process:
 * what a thread pool would give instead of one host process per instance.
 *
 *   node dist/bench/wasm.js [--iterations N] [--instances N] [--quick]
 *
 * Memory is PSS (each process's share of the pages it maps): host processes share Node's code
 * pages, so their RSS sum counts the same pages hundreds of times. RSS is printed too.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { WasmEngine } from '../src/engine/wasm';
import { silentLogger } from '../src/util/logger';
import { Limiter } from '../src/util/concurrency';
import { startRegistry } from '../test/fixtures/registry';
import { buildBusyboxImage } from '../test/fixtures/images';
import { pushLayout } from '../test/fixtures/push';
import { TestDaemon, FORGEONE_BIN } from '../test/fixtures/daemon';
import { TempDirs } from '../test/fixtures/tmp';
import { commandWat, fixtures, wat2wasm } from '../test/fixtures/wasm';
import { wasmSpec } from '../test/fixtures/wasm-engine';
import { arg, cell, printTable, ratio, run, saveResults, stats, timed, timedAsync, type Stats } from './lib';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const progress = (what: string) => process.stderr.write(`bench: ${what}\n`);

/** PSS and RSS (kB) of processes, from smaps_rollup. */
function memoryOf(pids: number[]): { pssKb: number; rssKb: number } {
  let pssKb = 0;
  let rssKb = 0;
  for (const pid of pids) {
    try {
      const s = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      pssKb += Number(/^Pss:\s+(\d+)/m.exec(s)?.[1] ?? 0);
      rssKb += Number(/^Rss:\s+(\d+)/m.exec(s)?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return { pssKb, rssKb };
}

function memAvailableMb(): number {
  return Number(/^MemAvailable:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0) / 1024;
}

/**
 * Waits until the pool has a ready standby for `digest` (when given) and no standby is still
 * compiling, so background work never overlaps a measurement.
 */
async function poolSettled(pool: string, digest?: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const dirs = existsSync(pool) ? readdirSync(pool) : [];
    const ready = (d: string) => existsSync(path.join(pool, d, 'ready')) || !existsSync(path.join(pool, d));
    const forDigest = (d: string) => {
      try {
        // Ready and free: a standby that took a task keeps its dir until the task is removed.
        const free = existsSync(path.join(pool, d, 'ready')) && !existsSync(path.join(pool, d, 'assign'));
        return free && (JSON.parse(readFileSync(path.join(pool, d, 'standby.json'), 'utf8')) as { digest: string }).digest === digest;
      } catch {
        return false;
      }
    };
    if (dirs.every(ready) && (!digest || dirs.some(forDigest))) return;
    await sleep(10);
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const iterations = arg(argv, '--iterations', quick ? 3 : 15);
  const instances = arg(argv, '--instances', quick ? 50 : 1000);
  const tmp = new TempDirs();
  const registry = await startRegistry();
  const daemon = await TestDaemon.start();
  try {
    const dir = await tmp.make('bench-wasm-');
    const fo = (...a: string[]) => ['--host', `unix://${daemon.socket}`, ...a];
    const image = await buildBusyboxImage(await tmp.make('bench-img-'));
    await pushLayout(image.layoutDir, image.tag, registry.host, 'bench/busybox:latest');
    const busybox = `${registry.host}/bench/busybox:latest`;
    run(FORGEONE_BIN, fo('pull', '-q', busybox));
    const helloBytes = await fixtures.hello();
    const helloDigest = `sha256:${createHash('sha256').update(helloBytes).digest('hex')}`;
    writeFileSync(path.join(dir, 'hello.wasm'), helloBytes);
    const daemonPool = path.join(daemon.runroot, 'wasm', '.pool');
    const hello = `${registry.host}/bench/hello-wasm:1`;
    run(FORGEONE_BIN, fo('wasm', 'build', path.join(dir, 'hello.wasm'), '-t', hello));
    run(FORGEONE_BIN, fo('push', hello));

    // Bare crun: a bundle with the busybox rootfs and crun's default spec running `echo hi`.
    const bundle = await tmp.make('bench-bundle-');
    mkdirSync(path.join(bundle, 'rootfs'));
    run('tar', ['xzf', path.join(image.layoutDir, 'blobs', 'sha256', image.layerDigests[0]!.replace('sha256:', '')), '-C', path.join(bundle, 'rootfs')]);
    run('crun', ['spec', '-b', bundle]);
    const spec = JSON.parse(readFileSync(path.join(bundle, 'config.json'), 'utf8')) as { process: { terminal: boolean; args: string[] } };
    spec.process.terminal = false;
    spec.process.args = ['echo', 'hi'];
    writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec));

    const api = async (body: Record<string, unknown>) => {
      const { Id } = await daemon.client.json<{ Id: string }>('POST', '/v1/containers/create', { body });
      const waiting = daemon.client.json('POST', `/v1/containers/${Id}/wait`, { query: { condition: 'next-exit' } });
      await daemon.client.request('POST', `/v1/containers/${Id}/start`).then((r) => r.resume());
      await waiting;
    };
    // In-process engine, no daemon: what the engine itself costs.
    const engine = new WasmEngine({ stateDir: path.join(dir, 'engine'), logger: silentLogger, poolSize: 4 });
    const enginePool = path.join(dir, 'engine', '.pool');
    const engineRun = async (file: string) => {
      const id = randomBytes(32).toString('hex');
      await engine.create({ id, spec: wasmSpec(path.dirname(file), [`/${path.basename(file)}`]), logPath: path.join(dir, 'logs', id), logMaxSize: 0, stdin: false, tty: false });
      await engine.start(id);
      await engine.wait(id);
      await engine.delete(id);
    };

    const samples: Record<string, number[]> = {
      'wasm engine warm': [], 'wasm engine cold': [], 'wasm API warm': [], 'wasm API cold': [], 'busybox API': [],
      'wasm CLI warm': [], 'busybox CLI': [], 'crun run': [],
    };
    progress('start-to-exit');
    await api({ image: hello });
    await engineRun(path.join(dir, 'hello.wasm'));
    for (let i = 0; i < iterations; i++) {
      progress(`iteration ${i + 1}/${iterations}`);
      // A module never seen before: its own digest, so no standby has it.
      const fresh = path.join(dir, `fresh-${i}.wasm`);
      writeFileSync(fresh, await wat2wasm(commandWat([{ fd: 1, text: `hello ${randomBytes(8).toString('hex')}\n` }])));
      const freshRef = `bench/fresh-${i}:1`;
      run(FORGEONE_BIN, fo('wasm', 'build', fresh, '-t', freshRef));
      await poolSettled(daemonPool, helloDigest);
      samples['wasm API warm']!.push(await timedAsync(() => api({ image: hello })));
      await poolSettled(daemonPool);
      samples['wasm API cold']!.push(await timedAsync(() => api({ image: freshRef })));
      await poolSettled(daemonPool, helloDigest);
      samples['busybox API']!.push(await timedAsync(() => api({ image: busybox, cmd: ['echo', 'hi'] })));
      samples['wasm CLI warm']!.push(timed(() => run(FORGEONE_BIN, fo('run', '--rm', hello))));
      await poolSettled(daemonPool);
      samples['busybox CLI']!.push(timed(() => run(FORGEONE_BIN, fo('run', '--rm', busybox, 'echo', 'hi'))));
      samples['crun run']!.push(timed(() => run('crun', ['run', '-b', bundle, `bench-wasm-crun-${i}`])));
      await poolSettled(enginePool, helloDigest);
      samples['wasm engine warm']!.push(await timedAsync(() => engineRun(path.join(dir, 'hello.wasm'))));
      await poolSettled(enginePool);
      samples['wasm engine cold']!.push(await timedAsync(() => engineRun(fresh)));
    }
    await engine.close();
    run(FORGEONE_BIN, fo('container', 'prune', '-f'));

    progress(`${instances} idle instances, one host process each`);
    const scale = await concurrentInstances(daemon, fo, path.join(dir, 'sleep.wasm'), instances);
    progress(`${instances} idle instances as worker threads of one process`);
    const threadPool = await workerPool(await fixtures.sleep(), instances, dir);

    const s: Record<string, Stats> = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, stats(v)]));
    printTable(`start-to-exit, ${iterations} runs each, interleaved: median [min–max]`, ['what', 'time', 'vs crun run', 'vs busybox same path'], Object.entries(s).map(([k, v]) => [
      k, cell(v), ratio(v, s['crun run']), k.startsWith('wasm API') ? ratio(v, s['busybox API']) : k.startsWith('wasm CLI') ? ratio(v, s['busybox CLI']) : '',
    ]));
    printTable(`${instances} idle modules (a sleeping WASI module each)`, ['model', 'started', 'time to start all', 'PSS total', 'PSS each', 'RSS total'], [scale, threadPool].map((r) => [
      r.model, String(r.started), `${(r.ms / 1000).toFixed(1)} s`, `${(r.pssKb / 1024 / 1024).toFixed(2)} GB`, `${(r.pssKb / 1024 / Math.max(1, r.started)).toFixed(1)} MB`, `${(r.rssKb / 1024 / 1024).toFixed(2)} GB`,
    ]));
    if (scale.note) console.log(`note: ${scale.note}`);
    console.log(`\nsaved ${saveResults('wasm', { iterations, instances, startToExit: s, concurrent: [scale, threadPool] })}`);
  } finally {
    // WASM hosts outlive the daemon by design: remove the containers before it goes.
    const ids = spawnSync(process.execPath, [FORGEONE_BIN, '--host', `unix://${daemon.socket}`, 'ps', '-a', '-q', '--no-trunc'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    for (let i = 0; i < ids.length; i += 100) spawnSync(process.execPath, [FORGEONE_BIN, '--host', `unix://${daemon.socket}`, 'rm', '-f', ...ids.slice(i, i + 100)], { stdio: 'ignore' });
    for (const step of [() => daemon.destroy(), () => registry.stop(), () => tmp.cleanup()]) {
      await step().catch((err: unknown) => console.error('bench cleanup:', (err as Error).message));
    }
  }
}

interface ScaleResult {
  model: string;
  started: number;
  ms: number;
  pssKb: number;
  rssKb: number;
  note?: string;
}

/** N sleeping modules through the daemon's API, 32 requests at a time; stops early when memory runs low. */
async function concurrentInstances(daemon: TestDaemon, fo: (...a: string[]) => string[], file: string, n: number): Promise<ScaleResult> {
  writeFileSync(file, await fixtures.sleep());
  run(FORGEONE_BIN, fo('wasm', 'build', file, '-t', 'bench/sleep:1'));
  const limiter = new Limiter(32);
  const ids: string[] = [];
  let note: string | undefined;
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: n }, () => limiter.run(async () => {
    if (note) return;
    if (memAvailableMb() < 3000) {
      note = `stopped early: under 3 GB of memory left after ${ids.length} instances`;
      return;
    }
    const { Id } = await daemon.client.json<{ Id: string }>('POST', '/v1/containers/create', { body: { image: 'bench/sleep:1' } });
    await daemon.client.request('POST', `/v1/containers/${Id}/start`).then((r) => r.resume());
    ids.push(Id);
  })));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const pids: number[] = [];
  for (const id of ids) {
    try {
      const rec = JSON.parse(readFileSync(path.join(daemon.runroot, 'wasm', id, 'host.json'), 'utf8')) as { pid: number; monitorPid: number };
      pids.push(rec.pid, rec.monitorPid);
    } catch {
      // not started
    }
  }
  const mem = memoryOf(pids);
  for (let i = 0; i < ids.length; i += 100) spawnSync(FORGEONE_BIN, fo('rm', '-f', ...ids.slice(i, i + 100)), { stdio: 'ignore' });
  return { model: 'host process per instance (ForgeOne, via the API)', started: ids.length, ms, ...mem, ...(note ? { note } : {}) };
}

/**
 * The alternative: one process, one worker thread per instance (node:wasi blocks its thread, so
 * instances cannot share one). Run in a child process that is SIGKILLed afterwards: a worker
 * blocked in a WASI call (here poll_oneoff's sleep) cannot be terminated — worker.terminate()
 * interrupts JS and wasm code, not a blocking native call — which is itself a finding.
 */
async function workerPool(module: Buffer, n: number, dir: string): Promise<ScaleResult> {
  const file = path.join(dir, 'pool-sleep.wasm');
  writeFileSync(file, module);
  const src = `
    const { Worker } = require('node:worker_threads');
    const fs = require('node:fs');
    const mem = () => { const s = fs.readFileSync('/proc/self/smaps_rollup', 'utf8'); return { pss: +/^Pss:\\s+(\\d+)/m.exec(s)[1], rss: +/^Rss:\\s+(\\d+)/m.exec(s)[1] }; };
    const worker = \`
      const { parentPort, workerData } = require('node:worker_threads');
      const { WASI } = require('node:wasi');
      const wasi = new WASI({ version: 'preview1', args: ['m'], env: {}, returnOnExit: true, stdout: require('node:fs').openSync('/dev/null', 'w') });
      const instance = new WebAssembly.Instance(workerData, wasi.getImportObject());
      parentPort.postMessage('up');
      wasi.start(instance);\`;
    const compiled = new WebAssembly.Module(fs.readFileSync(${JSON.stringify(file)}));
    const base = mem();
    const t0 = process.hrtime.bigint();
    let up = 0;
    for (let i = 0; i < ${n}; i++) new Worker(worker, { eval: true, workerData: compiled }).once('message', () => {
      if (++up < ${n}) return;
      const m = mem();
      process.stdout.write(JSON.stringify({ ms: Number(process.hrtime.bigint() - t0) / 1e6, pssKb: m.pss - base.pss, rssKb: m.rss - base.rss }) + '\\n');
    });`;
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', '--v8-pool-size=1', '-e', src], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.on('exit', (code) => reject(new Error(`worker pool process exited with ${code}`)));
  });
  child.kill('SIGKILL');
  const r = JSON.parse(line) as { ms: number; pssKb: number; rssKb: number };
  return { model: 'worker thread per instance, one process (measured alternative)', started: n, ...r };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
