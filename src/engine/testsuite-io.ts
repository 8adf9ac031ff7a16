/** Conformance cases: stdio (attach with stdin, detach, TTY, resize) and exec. */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { collector, eventually, expectForgeError, settlesWithin } from './testsuite-helpers';
import type { SuiteContext } from './testsuite-types';

export function ioCases({ gated, run }: SuiteContext): void {
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

}
