import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createProgram, runCli } from '../../../src/cli/main';
import type { CliDeps } from '../../../src/cli/context';
import { exitCodeOf } from '../../../src/cli/exit-codes';
import { ForgeError } from '../../../src/errors';

function deps(): { deps: CliDeps; err: () => string } {
  const out = new PassThrough();
  const err = new PassThrough();
  let text = '';
  err.on('data', (d: Buffer) => (text += d.toString()));
  out.resume();
  return {
    deps: {
      runDaemon: () => Promise.reject(new Error('no daemon in unit tests')),
      entryScript: '/nonexistent',
      stdout: out as unknown as NodeJS.WriteStream,
      stderr: err as unknown as NodeJS.WriteStream,
    },
    err: () => text,
  };
}

const NO_DAEMON = ['--host', 'unix:///nonexistent/forgeone.sock'];

describe('container commands', () => {
  it('leaves everything after the image to the container (flags included)', async () => {
    const d = deps();
    let seen: unknown;
    const { program } = createProgram(d.deps);
    const run = program.commands.find((c) => c.name() === 'run')!;
    run.action((image: string, command: string[], flags: Record<string, unknown>) => void (seen = { image, command, flags }));
    await program.parseAsync(['run', '--rm', '-v', '/a:/b', 'busybox', 'ls', '-l', '-v', '--rm'], { from: 'user' });
    assert.deepEqual(seen, { image: 'busybox', command: ['ls', '-l', '-v', '--rm'], flags: { rm: true, volume: ['/a:/b'] } });
  });

  it('reports bad flags before contacting the daemon, with exit code 125', async () => {
    for (const args of [
      ['run', '--memory', 'abc', 'busybox'],
      ['run', '-v', './rel:/x', 'busybox'],
      ['create', '--restart', 'sometimes', 'busybox'],
      ['run', '--detach-keys', 'ctrl-1', 'busybox'],
    ]) {
      const d = deps();
      const code = await runCli([...NO_DAEMON, ...args], d.deps);
      assert.equal(code, 125, args.join(' '));
      assert.doesNotMatch(d.err(), /cannot connect/, args.join(' '));
    }
  });

  it('maps the daemon failures of run and exec: 125, 126 not executable, 127 not found', () => {
    const withReason = (reason: string) => new ForgeError('FailedPrecondition', 'x', { details: { reason } });
    assert.equal(exitCodeOf(withReason('command-not-found'), 'process'), 127);
    assert.equal(exitCodeOf(withReason('command-not-executable'), 'process'), 126);
    assert.equal(exitCodeOf(new ForgeError('NotFound', 'no such image'), 'process'), 125);
    assert.equal(exitCodeOf(new ForgeError('NotFound', 'no such image')), 1);
  });

  it('registers the container group aliases', () => {
    const { program } = createProgram(deps().deps);
    const container = program.commands.find((c) => c.name() === 'container')!;
    const names = container.commands.flatMap((c) => [c.name(), ...c.aliases()]);
    for (const n of ['run', 'create', 'start', 'stop', 'kill', 'restart', 'pause', 'unpause', 'rm', 'ls', 'ps', 'logs', 'exec', 'wait', 'inspect', 'top', 'cp', 'rename', 'prune', 'attach']) {
      assert.ok(names.includes(n), `container ${n}`);
    }
    const volume = program.commands.find((c) => c.name() === 'volume')!;
    assert.deepEqual(volume.commands.map((c) => c.name()).sort(), ['create', 'inspect', 'ls', 'prune', 'rm']);
  });
});
