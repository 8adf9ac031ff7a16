/**
 * What the WASM engine adds beyond the conformance suite, with real host processes: the warm
 * pool (a second start of a module is served by a standby that compiled it; a restarted engine
 * adopts standbys; another build's standbys are not), CPU and wall-clock limits, pause, and a
 * crashing host that takes nothing else down.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { WasmEngine, type WasmEngineOptions } from '../../src/engine/wasm';
import type { TaskSpec } from '../../src/engine/types';
import { readLogs } from '../../src/engine/logs/k8s-file';
import { silentLogger } from '../../src/util/logger';
import { TempDirs } from '../fixtures/tmp';
import { fixtures } from '../fixtures/wasm';
import { wasmLeftovers, wasmSpec } from '../fixtures/wasm-engine';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('wasm engine: host processes, warm pool, limits', () => {
  const tmp = new TempDirs();
  let dir: string;
  let options: WasmEngineOptions;
  const engines: WasmEngine[] = [];
  const engine = (o: Partial<WasmEngineOptions> = {}) => {
    const e = new WasmEngine({ ...options, ...o });
    engines.push(e);
    return e;
  };
  const task = async (module: Buffer, annotations: Record<string, string> = {}): Promise<TaskSpec> => {
    const id = randomBytes(32).toString('hex');
    const root = path.join(dir, 'modules', id.slice(0, 12));
    await fs.mkdir(root, { recursive: true });
    await fs.writeFile(path.join(root, 'm.wasm'), module);
    return { id, spec: wasmSpec(root, ['/m.wasm'], { annotations }), logPath: path.join(dir, 'logs', id, 'ctr.log'), logMaxSize: 0, stdin: false, tty: false };
  };
  /** Whether the task's host came from the pool: its monitor serves a standby dir. */
  const pooled = async (e: WasmEngine, t: TaskSpec) => {
    const rec = JSON.parse(readFileSync(path.join(options.stateDir, t.id, 'host.json'), 'utf8')) as { monitorPid: number };
    assert.ok(e);
    // A standby's monitor runs in its pool dir.
    return readFileSync(`/proc/${rec.monitorPid}/cmdline`, 'utf8').includes('/.pool/');
  };
  const standbyReady = async (stateDir = options.stateDir) => {
    for (let i = 0; i < 200; i++) {
      const sids = await fs.readdir(path.join(stateDir, '.pool')).catch(() => []);
      const has = (s: string, f: string) => fs.access(path.join(stateDir, '.pool', s, f)).then(() => true, () => false);
      // Ready, and not already serving a task (a standby's dir stays until its task is deleted).
      for (const s of sids) if ((await has(s, 'ready')) && !(await has(s, 'assign'))) return s;
      await sleep(25);
    }
    return assert.fail('no standby became ready');
  };
  const lines = async (t: TaskSpec) => {
    const out: string[] = [];
    for await (const e of readLogs(t.logPath)) out.push(`${e.stream}: ${e.text}`);
    return out;
  };

  before(async () => {
    dir = await tmp.make('wasm-host-');
    options = { stateDir: path.join(dir, 'run'), logger: silentLogger, poolSize: 2 };
  });

  after(async () => {
    // A failed case leaves its tasks: end them here (hosts outlive whoever started them).
    for (const stateDir of [options.stateDir, path.join(dir, 'builds'), path.join(dir, 'cold')]) {
      const e = new WasmEngine({ ...options, stateDir });
      for (const id of await fs.readdir(stateDir).catch(() => [])) if (!id.startsWith('.')) await e.delete(id);
      await e.close();
    }
    for (const e of engines) await e.close();
    await tmp.cleanup();
  });

  it('a second start of a module is served warm; a restarted engine adopts the standby', async () => {
    const e = engine();
    const hello = await fixtures.hello();
    const first = await task(hello);
    await e.create(first);
    assert.equal(await pooled(e, first), false, 'the first start is cold');
    await e.start(first.id);
    assert.equal((await e.wait(first.id)).exitCode, 0);
    await standbyReady();
    const second = await task(hello);
    const t0 = process.hrtime.bigint();
    await e.create(second);
    await e.start(second.id);
    const warmMs = Number(process.hrtime.bigint() - t0) / 1e6;
    assert.equal(await pooled(e, second), true, 'served by the standby');
    assert.equal((await e.wait(second.id)).exitCode, 0);
    assert.deepEqual(await lines(second), ['stdout: hello from wasm']);
    console.log(`# warm create+start: ${warmMs.toFixed(1)} ms`);
    await standbyReady();
    const again = engine();
    const third = await task(hello);
    await again.create(third);
    assert.equal(await pooled(again, third), true, 'a new engine adopts the ready standby');
    await again.start(third.id);
    assert.equal((await again.wait(third.id)).exitCode, 0);
    for (const t of [first, second, third]) await again.delete(t.id);
  });

  it('a task served by a standby survives a restarted engine adopting the pool', async () => {
    const e = engine();
    const sleeper = await fixtures.sleep();
    const first = await task(sleeper);
    await e.create(first);
    await e.start(first.id);
    await standbyReady();
    const second = await task(sleeper);
    await e.create(second);
    await e.start(second.id);
    assert.equal(await pooled(e, second), true);
    const again = engine();
    await again.pool.adopt();
    await sleep(100);
    assert.equal((await again.status(second.id)).state, 'running', 'adopting the pool left the task alone');
    for (const t of [first, second]) await again.delete(t.id);
    assert.deepEqual([...wasmLeftovers(dir, first.id), ...wasmLeftovers(dir, second.id)], []);
  });

  it('a standby of another build is not adopted; with poolSize 0 nothing is kept warm', async () => {
    const hello = await fixtures.hello();
    const stateDir = path.join(dir, 'builds');
    const mine = engine({ stateDir });
    const warmUp = await task(hello);
    await mine.create(warmUp);
    await mine.start(warmUp.id);
    await mine.wait(warmUp.id);
    await mine.delete(warmUp.id);
    const sid = await standbyReady(stateDir);
    const other = engine({ stateDir, hostScript: path.join(path.dirname(require.resolve('../../src/engine/wasm/host/main')), 'main.js') + '?other' });
    await other.pool.adopt();
    assert.equal(await fs.access(path.join(stateDir, '.pool', sid)).then(() => true, () => false), false, 'retired');
    const cold = engine({ poolSize: 0, stateDir: path.join(dir, 'cold') });
    const t = await task(hello);
    await cold.create(t);
    await cold.start(t.id);
    await cold.wait(t.id);
    assert.deepEqual(await fs.readdir(path.join(dir, 'cold')), [t.id]);
    await cold.delete(t.id);
  });

  it('CPU time and wall-clock limits end a module with 152 and 142, and say so in the log', async () => {
    const e = engine({ poolSize: 0 });
    const spin = await task(await fixtures.spin(), { 'io.forgeone.wasm.cpu': '0.3' });
    const idle = await task(await fixtures.sleep(), { 'io.forgeone.wasm.timeout': '300ms' });
    for (const t of [spin, idle]) {
      await e.create(t);
      await e.start(t.id);
    }
    assert.equal((await e.wait(spin.id)).exitCode, 152);
    assert.equal((await e.wait(idle.id)).exitCode, 142);
    assert.ok((await lines(spin)).some((l) => /CPU time limit of 0.3 s reached/.test(l)));
    assert.ok((await lines(idle)).some((l) => /wall-clock timeout of 0.3 s reached/.test(l)));
    for (const t of [spin, idle]) await e.delete(t.id);
  });

  it('pause stops a spinning module (no CPU used while paused); a crashing host takes nothing else down', async () => {
    const e = engine({ poolSize: 0 });
    const spin = await task(await fixtures.spin());
    const other = await task(await fixtures.sleep());
    for (const t of [spin, other]) {
      await e.create(t);
      await e.start(t.id);
    }
    const pid = (await e.status(spin.id)).pid!;
    const cpu = () => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ').slice(11, 13).map(Number).reduce((a, b) => a + b, 0);
    await e.pause(spin.id);
    assert.equal((await e.status(spin.id)).state, 'paused');
    const before = cpu();
    await sleep(300);
    assert.equal(cpu(), before, 'no CPU while paused');
    await e.resume(spin.id);
    assert.equal((await e.status(spin.id)).state, 'running');
    process.kill(pid, 'SIGSEGV'); // what a V8 fatal error looks like from outside
    assert.equal((await e.wait(spin.id)).exitCode, 139);
    assert.equal((await e.status(other.id)).state, 'running', 'the other module runs on');
    for (const t of [spin, other]) await e.delete(t.id);
    assert.deepEqual([...wasmLeftovers(dir, spin.id), ...wasmLeftovers(dir, other.id)], []);
  });
});
