/**
 * The conformance suite every Engine passes (STYLE.md 2; containerd's snapshotter testsuite):
 * `runEngineSuite('native', factory)`. Each case gets a fresh temp dir and harness, and ends by
 * deleting its tasks and asserting the host holds nothing of them (processes, mounts). Tasks are
 * described by behaviour, so each engine maps them to programs it can run. Cases an engine cannot
 * do (its `capabilities`) are reported as skipped with the reason, never silently passed.
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { readLogs, type LogEntry } from './logs/k8s-file';
import type { Engine, EngineCapabilities, ExecSpec, TaskSpec } from './types';
import { collector, eventually, expectForgeError, settlesWithin } from './testsuite-helpers';

/** What a task does; the harness turns it into a program. */
export type TaskBehaviour =
  | { kind: 'exit'; code: number }
  | { kind: 'output'; stdout: string; stderr: string }
  /** Runs until killed; PID 1 installs no SIGTERM handler, so SIGTERM does not end it. */
  | { kind: 'sleep' }
  /** Copies stdin to stdout until EOF, then exits 0. */
  | { kind: 'cat' }
  | { kind: 'missing-command' };

export interface MakeTaskOptions {
  behaviour: TaskBehaviour;
  tty?: boolean;
  stdin?: boolean;
  stdinOnce?: boolean;
}

export interface EngineHarness {
  engine: Engine;
  /** A new engine over the same directories, as after a daemon restart. */
  reopen(): Engine;
  /** A task with a prepared root filesystem and a fresh ID. */
  makeTask(options: MakeTaskOptions): Promise<TaskSpec>;
  makeExec(task: TaskSpec, behaviour: TaskBehaviour, options?: { tty?: boolean; stdin?: boolean }): ExecSpec;
  /** What of task `id` is still on the host (processes, mounts), described for the failure message. */
  leftovers(id: string): Promise<string[]>;
  cleanup(): Promise<void>;
}

export type EngineFactory = (dir: string) => Promise<EngineHarness>;

type Case = (h: EngineHarness, t: TestContext) => Promise<void>;

export interface EngineSuiteOptions {
  /** Per case. Default 60 s. */
  timeoutMs?: number;
  /** Why the whole suite cannot run on this host (e.g. "needs root"), or false. */
  skip?: string | false;
}

export function runEngineSuite(name: string, factory: EngineFactory, options: EngineSuiteOptions = {}): void {
  const timeout = options.timeoutMs ?? 60_000;
  const gated = (cap: keyof EngineCapabilities | undefined, title: string, body: Case) =>
    it(title, { timeout }, async (t) => {
      const dir = await mkdtemp(path.join(tmpdir(), 'forgeone-engine-'));
      const h = await factory(dir);
      const created = new Set<string>();
      const makeTask = h.makeTask.bind(h);
      h.makeTask = async (o) => {
        const task = await makeTask(o);
        created.add(task.id);
        return task;
      };
      try {
        if (cap && !h.engine.capabilities[cap]) return t.skip(`not applicable: ${name} has capabilities.${cap} = false`);
        await body(h, t);
      } finally {
        for (const id of created) await h.engine.delete(id).catch(() => undefined);
        const left = (await Promise.all([...created].map((id) => h.leftovers(id)))).flat();
        await h.cleanup();
        await rm(dir, { recursive: true, force: true, maxRetries: 3 });
        assert.deepEqual(left, [], 'nothing of the test tasks is left on the host');
      }
    });
  const run = async (h: EngineHarness, o: MakeTaskOptions) => {
    const task = await h.makeTask(o);
    await h.engine.create(task);
    await h.engine.start(task.id);
    return task;
  };

  describe(`engine conformance: ${name}`, { skip: options.skip ?? false }, () => {
    gated(undefined, 'create + start + wait report exit codes 0 and 42', async (h) => {
      for (const code of [0, 42]) {
        const task = await h.makeTask({ behaviour: { kind: 'exit', code } });
        const info = await h.engine.create(task);
        assert.ok(info.pid > 0, 'create reports the PID');
        assert.equal((await h.engine.status(task.id)).state, 'created');
        await h.engine.start(task.id);
        const exit = await h.engine.wait(task.id);
        assert.equal(exit.exitCode, code);
        assert.ok(exit.exitedAt instanceof Date);
        const st = await h.engine.status(task.id);
        assert.equal(st.state, 'stopped');
        assert.equal(st.exitCode, code);
        assert.equal((await h.engine.wait(task.id)).exitCode, code, 'wait after the exit resolves at once');
      }
    });

    gated(undefined, 'output lands in the log, stdout and stderr distinguished', async (h) => {
      const task = await run(h, { behaviour: { kind: 'output', stdout: 'to stdout', stderr: 'to stderr' } });
      assert.equal((await h.engine.wait(task.id)).exitCode, 0);
      const entries: LogEntry[] = [];
      for await (const e of readLogs(task.logPath)) entries.push(e);
      assert.deepEqual(entries.map((e) => [e.stream, e.text]), [['stdout', 'to stdout'], ['stderr', 'to stderr']]);
    });

    gated(undefined, 'SIGKILL ends a task with 137', async (h) => {
      const task = await run(h, { behaviour: { kind: 'sleep' } });
      assert.equal((await h.engine.status(task.id)).state, 'running');
      await h.engine.kill(task.id, 'SIGKILL');
      assert.equal((await h.engine.wait(task.id)).exitCode, 137);
    });

    gated(undefined, 'PID 1 ignores SIGTERM, so stopping it needs SIGKILL', async (h) => {
      const task = await run(h, { behaviour: { kind: 'sleep' } });
      await h.engine.kill(task.id, 'TERM');
      assert.equal(await settlesWithin(h.engine.wait(task.id), 1000), false, 'still running 1 s after SIGTERM');
      assert.equal((await h.engine.status(task.id)).state, 'running');
      await h.engine.kill(task.id, '9', { all: true });
      assert.equal((await h.engine.wait(task.id)).exitCode, 137);
    });

    gated('pause', 'pause and resume', async (h) => {
      const task = await run(h, { behaviour: { kind: 'sleep' } });
      await h.engine.pause(task.id);
      assert.equal((await h.engine.status(task.id)).state, 'paused');
      await h.engine.resume(task.id);
      assert.equal((await h.engine.status(task.id)).state, 'running');
      await h.engine.kill(task.id, 'SIGKILL');
      assert.equal((await h.engine.wait(task.id)).exitCode, 137);
    });

    gated(undefined, 'an unknown task is NotFound; delete is idempotent', async (h) => {
      const unknown = 'f'.repeat(64);
      await expectForgeError(h.engine.status(unknown), 'NotFound');
      await expectForgeError(h.engine.wait(unknown), 'NotFound');
      await expectForgeError(h.engine.kill(unknown, 'SIGKILL'), 'NotFound');
      await h.engine.delete(unknown);
      const task = await run(h, { behaviour: { kind: 'exit', code: 0 } });
      await h.engine.wait(task.id);
      await h.engine.delete(task.id);
      await h.engine.delete(task.id);
      await expectForgeError(h.engine.status(task.id), 'NotFound');
      const running = await run(h, { behaviour: { kind: 'sleep' } });
      await h.engine.delete(running.id); // a running task is killed and removed
      await expectForgeError(h.engine.status(running.id), 'NotFound');
    });

    gated('stdin', 'attach with stdin: data comes back, and ending stdin ends a StdinOnce task', async (h) => {
      const task = await h.makeTask({ behaviour: { kind: 'cat' }, stdin: true, stdinOnce: true });
      await h.engine.create(task);
      const stdin = new PassThrough();
      const out = collector();
      const err = collector();
      const session = await h.engine.attach(task.id, { stdin, stdout: out.stream, stderr: err.stream });
      await h.engine.start(task.id);
      stdin.write('ping\n');
      await eventually(() => out.text().includes('ping\n'), 'echoed through attach');
      stdin.end();
      assert.equal((await h.engine.wait(task.id)).exitCode, 0);
      await session.done;
      assert.equal(err.text(), '');
    });

    gated('stdin', 'detaching leaves a task with stdin running', async (h) => {
      const task = await run(h, { behaviour: { kind: 'cat' }, stdin: true });
      const out = collector();
      const stdin = new PassThrough();
      const session = await h.engine.attach(task.id, { stdin, stdout: out.stream });
      stdin.write('one\n');
      await eventually(() => out.text() === 'one\n', 'first attach echoes');
      session.detach();
      await session.done;
      assert.equal(await settlesWithin(h.engine.wait(task.id), 500), false, 'still running after detach');
      const out2 = collector();
      const stdin2 = new PassThrough();
      const again = await h.engine.attach(task.id, { stdin: stdin2, stdout: out2.stream });
      stdin2.write('two\n');
      await eventually(() => out2.text() === 'two\n', 'second attach echoes');
      again.detach();
      await h.engine.kill(task.id, 'SIGKILL');
      await h.engine.wait(task.id);
    });

    gated('tty', 'a TTY task: output through attach, resize works', async (h) => {
      const task = await h.makeTask({ behaviour: { kind: 'cat' }, tty: true, stdin: true });
      await h.engine.create(task);
      const stdin = new PassThrough();
      const out = collector();
      const session = await h.engine.attach(task.id, { stdin, stdout: out.stream });
      await h.engine.start(task.id);
      await h.engine.resize(task.id, { rows: 40, cols: 120 });
      stdin.write('hello\n');
      // The terminal echoes the input and turns \n into \r\n: proof there is a TTY.
      await eventually(() => out.text().includes('hello\r\n'), 'tty output through attach');
      session.detach();
      await h.engine.kill(task.id, 'SIGKILL');
      assert.equal((await h.engine.wait(task.id)).exitCode, 137);
    });

    gated('exec', 'exec: output and exit code; a missing command is command-not-found', async (h) => {
      const task = await run(h, { behaviour: { kind: 'sleep' } });
      const out = collector();
      const err = collector();
      const s = await h.engine.exec(task.id, h.makeExec(task, { kind: 'output', stdout: 'hi', stderr: 'oops' }), { stdout: out.stream, stderr: err.stream });
      assert.ok(s.pid > 0);
      assert.equal(await s.exitCode, 0);
      assert.equal(out.text(), 'hi\n');
      assert.equal(err.text(), 'oops\n');
      const s3 = await h.engine.exec(task.id, h.makeExec(task, { kind: 'exit', code: 3 }), {});
      assert.equal(await s3.exitCode, 3);
      const e = await expectForgeError(h.engine.exec(task.id, h.makeExec(task, { kind: 'missing-command' }), {}));
      assert.equal(e.details?.reason, 'command-not-found');
      assert.equal((await h.engine.status(task.id)).state, 'running', 'the task is unaffected');
    });

    gated('exec', 'exec with stdin, and exec with a TTY', async (h) => {
      const task = await run(h, { behaviour: { kind: 'sleep' } });
      const stdin = new PassThrough();
      const out = collector();
      const s = await h.engine.exec(task.id, h.makeExec(task, { kind: 'cat' }, { stdin: true }), { stdin, stdout: out.stream });
      stdin.end('through exec\n');
      assert.equal(await s.exitCode, 0, 'stdin EOF reaches the exec\'d process');
      assert.equal(out.text(), 'through exec\n');
      if (!h.engine.capabilities.tty) return;
      const tty = collector();
      const t = await h.engine.exec(task.id, h.makeExec(task, { kind: 'output', stdout: 'hi', stderr: 'oops' }, { tty: true }), { stdout: tty.stream });
      await t.resize({ rows: 30, cols: 100 }).catch(() => undefined); // may race the exit; must not hang
      assert.equal(await t.exitCode, 0);
      assert.equal(tty.text(), 'hi\r\noops\r\n', 'one stream, with the terminal\'s line endings');
    });

    gated(undefined, 'verbs that need a running task fail with FailedPrecondition once it exited', async (h) => {
      const task = await run(h, { behaviour: { kind: 'exit', code: 0 } });
      await h.engine.wait(task.id);
      await expectForgeError(h.engine.kill(task.id, 'SIGKILL'), 'FailedPrecondition', 'kill');
      await expectForgeError(h.engine.attach(task.id, {}), 'FailedPrecondition', 'attach');
      await expectForgeError(h.engine.resize(task.id, { rows: 10, cols: 10 }), 'FailedPrecondition', 'resize');
      if (h.engine.capabilities.pause) await expectForgeError(h.engine.pause(task.id), 'FailedPrecondition', 'pause');
      if (h.engine.capabilities.exec) await expectForgeError(h.engine.exec(task.id, h.makeExec(task, { kind: 'exit', code: 0 }), {}), 'FailedPrecondition', 'exec');
    });

    gated(undefined, 'a missing command fails create or start with reason command-not-found', async (h) => {
      const task = await h.makeTask({ behaviour: { kind: 'missing-command' } });
      const e = await expectForgeError((async () => {
        await h.engine.create(task);
        await h.engine.start(task.id);
      })());
      assert.equal(e.details?.reason, 'command-not-found', e.message);
    });

    gated(undefined, 'a new engine instance (daemon restart) re-adopts a running task', async (h) => {
      const task = await run(h, { behaviour: { kind: 'sleep' } });
      const pid = (await h.engine.status(task.id)).pid;
      const again = h.reopen();
      const st = await again.status(task.id);
      assert.equal(st.state, 'running');
      assert.equal(st.pid, pid);
      assert.ok((await again.pids(task.id)).includes(pid!));
      const exited = again.wait(task.id);
      await again.kill(task.id, 'SIGKILL');
      assert.equal((await exited).exitCode, 137);
    });

    gated(undefined, 'an exit while no daemon watches is recorded', async (h) => {
      const task = await run(h, { behaviour: { kind: 'exit', code: 7 } });
      // Nobody waits: the first engine is dropped, as if the daemon were down.
      const again = h.reopen();
      await eventually(async () => (await again.status(task.id)).state === 'stopped', 'task stopped');
      assert.equal((await again.status(task.id)).exitCode, 7);
      assert.equal((await again.wait(task.id)).exitCode, 7);
    });
  });
}

