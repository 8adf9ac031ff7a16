/**
 * WebAssembly containers end to end (issue 5), with the real CLI, daemon and registry: build a
 * module image, push, pull, run; exit codes, args and env, volumes as preopened dirs, path
 * escapes, limits, traps, bad input, stop of an endless loop, and re-adoption after kill -9.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { ForgeError } from '../../src/errors';
import { TestDaemon } from '../fixtures/daemon';
import { startRegistry, type TestRegistry } from '../fixtures/registry';
import { TempDirs } from '../fixtures/tmp';
import { cModule, commandWat, fixtures, wat2wasm } from '../fixtures/wasm';
import { seriesValue } from '../fixtures/metrics';
import { gzipLayer, ociArchive } from '../fixtures/oci-archive';
import { readAll } from '../../src/api/client';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('wasm containers (CLI + daemon + registry)', () => {
  const tmp = new TempDirs();
  let registry: TestRegistry;
  let daemon: TestDaemon;
  let dir: string;
  const file = (name: string) => path.join(dir, name);
  const cli = (args: string[]) => daemon.cli(args);
  const ok = async (args: string[]) => {
    const r = await cli(args);
    assert.equal(r.code, 0, `forgeone ${args.join(' ')}: ${r.stderr}\n${daemon.log.slice(-2000)}`);
    return r.stdout;
  };
  const createError = async (body: Record<string, unknown>): Promise<ForgeError> => {
    try {
      await daemon.client.json('POST', '/v1/containers/create', { body });
    } catch (err) {
      assert.ok(err instanceof ForgeError, String(err));
      return err;
    }
    return assert.fail('create succeeded');
  };

  before(async () => {
    registry = await startRegistry();
    daemon = await TestDaemon.start();
    dir = await tmp.make('wasm-e2e-');
    const modules: Record<string, Buffer> = {
      'hello.wasm': await fixtures.hello(),
      'exit42.wasm': await fixtures.exit(42),
      'args-env.wasm': await fixtures.argsEnv(),
      'cat.wasm': await fixtures.cat(),
      'spin.wasm': await fixtures.spin(),
      'sleep.wasm': await fixtures.sleep(),
      'trap.wasm': await fixtures.trap(),
      'grow.wasm': await fixtures.grow(),
      'unknown-import.wasm': await fixtures.unknownImport(),
      'big-memory.wasm': await wat2wasm(commandWat([]).replace('(memory (export "memory") 1)', '(memory (export "memory") 512)')),
      'not-wasm.wasm': fixtures.notWasm(),
    };
    for (const [name, bytes] of Object.entries(modules)) await fs.writeFile(file(name), bytes);
  });

  after(async () => {
    const ids = (await cli(['ps', '-a', '-q', '--no-trunc']).catch(() => undefined))?.stdout.split('\n').filter(Boolean) ?? [];
    if (ids.length) await cli(['rm', '-f', ...ids]);
    await daemon.destroy();
    await registry.stop();
    await tmp.cleanup();
  });

  it('wasm build → push → pull → run prints hello; the image is an application/wasm artifact; inspect shows the engine', async () => {
    const ref = `${registry.host}/wasm/hello:1`;
    assert.match(await ok(['wasm', 'build', file('hello.wasm'), '-t', ref]), /wasm\/hello:1/);
    await ok(['push', ref]);
    const manifest = (await (await fetch(`http://${registry.host}/v2/wasm/hello/manifests/1`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } })).json()) as { layers: Array<{ mediaType: string }> };
    assert.deepEqual(manifest.layers.map((l) => l.mediaType), ['application/wasm']);
    await ok(['rmi', ref]);
    await ok(['pull', '-q', ref]);
    const run = await cli(['run', '--name', 'hello', ref]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'hello from wasm\n');
    assert.doesNotMatch(run.stderr, /WARNING/, 'no platform warning for a wasm image');
    assert.equal((await ok(['inspect', 'hello', '--format', '{{.Engine}} {{.State.ExitCode}}'])).trim(), 'wasm 0');
    assert.equal(await ok(['logs', 'hello']), 'hello from wasm\n');
    const events = await ok(['events', '--since', '0', '--until', (Date.now() / 1000).toFixed(3)]);
    for (const topic of ['create', 'start', 'exit']) assert.match(events, new RegExp(topic), `events show ${topic}`);
  });

  it('the shapes other tools push: a wasi/wasm platform image with the module in a tar layer, a wasm-to-oci artifact', async () => {
    const hello = await fs.readFile(file('hello.wasm'));
    const layer = await gzipLayer([{ name: 'app', type: 'directory' }, { name: 'app/hello.wasm', body: hello, mode: 0o755 }, { name: 'app/README', body: Buffer.from('not the module') }]);
    await fs.writeFile(file('platform.tar'), await ociArchive({ name: 'wasm-platform:1', layers: [layer], config: { architecture: 'wasm', os: 'wasi', config: { Entrypoint: ['/app/hello.wasm'] } } }));
    await ok(['load', '-i', file('platform.tar')]);
    assert.equal(await ok(['run', '--rm', 'wasm-platform:1']), 'hello from wasm\n');
    const artifact = { mediaType: 'application/vnd.wasm.content.layer.v1+wasm', bytes: hello };
    await fs.writeFile(file('wasm-to-oci.tar'), await ociArchive({ name: 'wasm-to-oci:1', layers: [artifact], configMediaType: 'application/vnd.wasm.config.v1+json', config: { architecture: 'wasm', os: 'wasip1' } }));
    await ok(['load', '-i', file('wasm-to-oci.tar')]);
    await ok(['run', '--name', 'w2o', 'wasm-to-oci:1']);
    assert.equal((await ok(['inspect', 'w2o', '--format', '{{.Engine}}'])).trim(), 'wasm');
    assert.equal((await cli(['logs', 'w2o'])).stdout, 'hello from wasm\n');
    await ok(['rm', 'w2o']);
    // A wasi/wasm image whose entrypoint is not in its layers: refused at create, naming the path.
    await fs.writeFile(file('missing.tar'), await ociArchive({ name: 'wasm-missing:1', layers: [layer], config: { architecture: 'wasm', os: 'wasi', config: { Entrypoint: ['/app/other.wasm'] } } }));
    await ok(['load', '-i', file('missing.tar')]);
    const r = await cli(['run', '--rm', 'wasm-missing:1']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /other\.wasm/);
  });

  it('run ./module.wasm (a local file, with and without --engine wasm); the exit code propagates', async () => {
    const r = await cli(['run', '--rm', '--engine', 'wasm', file('exit42.wasm')]);
    assert.equal(r.code, 42, r.stderr);
    const hello = await cli(['run', '--rm', file('hello.wasm')]);
    assert.equal(hello.stdout, 'hello from wasm\n');
    const wrong = await cli(['run', '--rm', '--engine', 'native', file('hello.wasm')]);
    assert.equal(wrong.code, 125);
    assert.match(wrong.stderr, /is a WebAssembly module/);
  });

  it('args and env reach the module', async () => {
    const out = await ok(['run', '--rm', '-e', 'GREETING=hi there', file('args-env.wasm'), 'one', 'two words']);
    assert.equal(out, '/args-env.wasm\none\ntwo words\nGREETING=hi there\n');
  });

  it('a volume is a preopened dir; a path escape through it is refused; :ro refuses writes', async () => {
    const vol = await tmp.make('wasm-vol-');
    await fs.writeFile(path.join(vol, 'in.txt'), 'from the volume\n');
    symlinkSync('../../../../../../etc', path.join(vol, 'dirlink'));
    const cat = (arg: string, mode = '') => cli(['run', '--rm', '-v', `${vol}:/data${mode}`, file('cat.wasm'), arg]);
    assert.equal((await cat('in.txt')).stdout, 'from the volume\n');
    for (const escape of ['../../etc/passwd', 'dirlink/passwd']) {
      const r = await cat(escape);
      assert.equal(r.stdout, 'refused\n', `${escape} is refused`);
      assert.equal(r.code, 76, 'errno ENOTCAPABLE');
    }
    await fs.writeFile(file('write.wasm'), await fixtures.writeFile('out.txt', 'written by wasm\n'));
    assert.equal((await cli(['run', '--rm', '-v', `${vol}:/data:ro`, file('write.wasm')])).code, 69, 'EROFS on a read-only volume');
    await ok(['run', '--rm', '-v', `${vol}:/data`, file('write.wasm')]);
    assert.equal(await fs.readFile(path.join(vol, 'out.txt'), 'utf8'), 'written by wasm\n');
  });

  it('a C program (clang + wasi-libc): env, args, exit code, a named volume', async (t) => {
    const c = cModule();
    if (!c) return t.skip('clang with wasi-libc is not installed (scripts/setup.sh installs it)');
    await fs.writeFile(file('hello-c.wasm'), c);
    const r = await cli(['run', '--rm', '-e', 'GREETING=hola', '-v', 'wasmvol:/data', file('hello-c.wasm'), 'x', '7']);
    assert.equal(r.code, 7, r.stderr);
    assert.equal(r.stdout, 'hello from C, 3 args, GREETING=hola\narg 1: x\narg 2: 7\n');
    const out = await ok(['run', '--rm', '-v', 'wasmvol:/data', file('cat.wasm'), 'from-c.txt']);
    assert.equal(out, 'written by C\n');
  });

  it('memory over the limit: a clear error at create, or a failure marked OOMKilled with the reason in the logs', async () => {
    const big = await cli(['run', '--rm', '-m', '8m', file('big-memory.wasm')]);
    assert.equal(big.code, 125);
    assert.match(big.stderr, /needs at least 32 MiB of linear memory, above the memory limit of 8 MiB/);
    const grow = await cli(['run', '--name', 'grow', '-m', '8m', file('grow.wasm')]);
    assert.notEqual(grow.code, 0);
    assert.equal((await ok(['inspect', 'grow', '--format', '{{.State.OOMKilled}}'])).trim(), 'true');
    assert.match((await cli(['logs', 'grow'])).stderr, /linear memory at .* of its 8 MiB limit/);
  });

  it('a trap ends the module with 134 and its message in the logs', async () => {
    const r = await cli(['run', '--name', 'trap', file('trap.wasm')]);
    assert.equal(r.code, 134);
    const logs = await cli(['logs', 'trap']);
    assert.equal(logs.stdout, 'about to trap\n');
    assert.match(logs.stderr, /wasm trap: unreachable/);
  });

  it('bad input: a non-WASM file and an unknown import are refused, naming the problem, with stable codes', async () => {
    const notWasm = await cli(['run', '--rm', file('not-wasm.wasm')]);
    assert.equal(notWasm.code, 125);
    assert.match(notWasm.stderr, /is not a WebAssembly module: it starts with the text "#!\/bin\/sh/);
    const build = await cli(['wasm', 'build', file('not-wasm.wasm'), '-t', 'bad:1']);
    assert.notEqual(build.code, 0);
    assert.match(build.stderr, /not a WebAssembly module/);
    const unknown = await cli(['run', '--rm', file('unknown-import.wasm')]);
    assert.equal(unknown.code, 125);
    assert.match(unknown.stderr, /imports env\.forgeone_missing_function \(function\), which the host does not provide/);
    await ok(['wasm', 'build', file('unknown-import.wasm'), '-t', 'unknown-import:1']);
    const e = await createError({ image: 'unknown-import:1' });
    assert.equal(e.code, 'InvalidArgument');
    assert.equal(e.details?.reason, 'unknown-import');
    await ok(['wasm', 'build', file('hello.wasm'), '-t', 'hello-local:1']);
    assert.equal((await createError({ image: 'hello-local:1', tty: true })).code, 'InvalidArgument');
    assert.equal((await createError({ image: 'hello-local:1', engine: 'native' })).details?.reason, 'wasm-image');
  });

  it('stop of an endless loop ends it at once (SIGTERM, 143); kill gives 137; wait reports it', async () => {
    await ok(['run', '-d', '--name', 'spin', file('spin.wasm')]);
    const t0 = Date.now();
    await ok(['stop', '-t', '10', 'spin']);
    assert.ok(Date.now() - t0 < 3000, `stop took ${Date.now() - t0} ms`);
    assert.equal((await ok(['inspect', 'spin', '--format', '{{.State.ExitCode}}'])).trim(), '143');
    await ok(['run', '-d', '--name', 'spin2', file('spin.wasm')]);
    const waiting = cli(['wait', 'spin2']);
    await sleep(200);
    await ok(['kill', 'spin2']);
    assert.equal((await waiting).stdout.trim(), '137');
  });

  it('metrics and stats of a running module: CPU time grows while it spins, memory and its limit are reported', async () => {
    const id = (await ok(['run', '-d', '--name', 'spin-metrics', '--memory', '64m', file('spin.wasm')])).trim();
    const metrics = async () => readAll(await daemon.client.request('GET', `/v1/containers/${id}/metrics`));
    const cpu = (text: string) => seriesValue(text, 'forgeone_container_cpu_usage_seconds_total', id) ?? -1;
    await sleep(500);
    const first = await metrics();
    await sleep(1500);
    const second = await metrics();
    assert.match(second, new RegExp(`forgeone_container_cpu_usage_seconds_total\\{id="${id}",name="spin-metrics",image="[^"]*",engine="wasm"\\}`));
    const spent = cpu(second) - cpu(first);
    assert.ok(spent > 0.5 && spent < 2.5, `a spinning module used ${spent} s of CPU in 1.5 s`);
    assert.ok((seriesValue(second, 'forgeone_container_memory_usage_bytes', id) ?? 0) > 4 * 1024 * 1024, 'the host process is resident');
    assert.equal(seriesValue(second, 'forgeone_container_wasm_memory_limit_bytes', id), 64 * 1024 * 1024, 'the linear memory limit');
    assert.equal(seriesValue(second, 'forgeone_container_memory_limit_bytes', id), undefined, 'the host process has no memory limit of its own');
    const [row] = (await ok(['stats', '--no-stream', '--format', 'json', 'spin-metrics'])).trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    assert.equal(row!.Name, 'spin-metrics');
    assert.match(row!.CPUPerc!, /^\d+\.\d\d%$/);
    assert.ok(Number.parseFloat(row!.CPUPerc!) > 30, `CPU ${row!.CPUPerc}`);
    assert.match(row!.MemUsage!, /MiB \/ [\d.]+GiB$/, 'usage of the host process; the limit shown is the host\'s memory');
    await ok(['rm', '-f', 'spin-metrics']);
    assert.equal(seriesValue(await readAll(await daemon.client.request('GET', '/metrics')), 'forgeone_container_cpu_usage_seconds_total', id), undefined, 'gone with the container');
  });

  it('a wall-clock timeout (label io.forgeone.wasm.timeout) stops a module', async () => {
    const r = await cli(['run', '--name', 'timeout', '-l', 'io.forgeone.wasm.timeout=1', file('sleep.wasm')]);
    assert.equal(r.code, 142, 'SIGALRM');
    assert.match((await cli(['logs', 'timeout'])).stderr, /wall-clock timeout of 1 s reached/);
  });

  it('daemon kill -9, then restart: a running module is re-adopted (ps, logs -f, stop)', async () => {
    await ok(['run', '-d', '--name', 'survivor', file('sleep.wasm')]);
    await sleep(300);
    const pid = Number((await ok(['inspect', 'survivor', '--format', '{{.State.Pid}}'])).trim());
    await daemon.kill9();
    process.kill(pid, 0); // still there without the daemon
    await daemon.launch();
    assert.match(await ok(['ps', '--format', '{{.Names}} {{.State}}']), /survivor running/);
    const follow = cli(['logs', '-f', 'survivor']);
    await sleep(500);
    await ok(['stop', 'survivor']);
    assert.equal((await follow).stdout, 'sleeping\n');
    assert.equal((await ok(['inspect', 'survivor', '--format', '{{.State.ExitCode}}'])).trim(), '143');
    await ok(['rm', 'survivor']);
  });
});
