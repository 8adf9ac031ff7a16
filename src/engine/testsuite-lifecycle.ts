/** Conformance cases: the lifecycle (exit codes, logs, signals, pause, delete, errors, re-adoption). */
import assert from 'node:assert/strict';
import { readLogs, type LogEntry } from './logs/k8s-file';
import { eventually, expectForgeError, settlesWithin } from './testsuite-helpers';
import type { SuiteContext } from './testsuite-types';

export function lifecycleCases({ gated, run }: SuiteContext): void {
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

    gated('signalHandlers', 'PID 1 ignores SIGTERM, so stopping it needs SIGKILL', async (h) => {
      const task = await run(h, { behaviour: { kind: 'sleep' } });
      await h.engine.kill(task.id, 'TERM');
      assert.equal(await settlesWithin(h.engine.wait(task.id), 1000), false, 'still running 1 s after SIGTERM');
      assert.equal((await h.engine.status(task.id)).state, 'running');
      await h.engine.kill(task.id, '9', { all: true });
      assert.equal((await h.engine.wait(task.id)).exitCode, 137);
    });

    gated('!signalHandlers', 'a task that cannot handle signals ends on SIGTERM at once, with 143', async (h) => {
      const task = await run(h, { behaviour: { kind: 'sleep' } });
      await h.engine.kill(task.id, 'TERM');
      assert.equal((await h.engine.wait(task.id)).exitCode, 143);
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
}
