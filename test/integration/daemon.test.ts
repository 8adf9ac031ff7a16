/**
 * The daemon's process contract: CLI autostart (once, said on stderr), the socket's mode, a clean
 * stop that removes socket, pid file and lock, and a restart after kill -9.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { runCli, TestDaemon } from '../fixtures/daemon';
import { TempDirs } from '../fixtures/tmp';
import { processesMentioning } from '../fixtures/host-state';
import { DAEMON_NODE_OPTIONS } from '../../src/cli/autostart';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitGone(pid: number): Promise<void> {
  for (let i = 0; i < 200 && alive(pid); i++) await new Promise((r) => setTimeout(r, 25));
}

describe('daemon process', () => {
  const tmp = new TempDirs();
  after(() => tmp.cleanup());

  it('the CLI starts a daemon once when none answers, and says so on stderr', async () => {
    const dir = await tmp.make('autostart-');
    const args = ['--root', path.join(dir, 'root'), '--runroot', path.join(dir, 'run')];
    const env = { FORGEONE_NO_AUTOSTART: '0', FORGEONE_CONFIG_DIR: path.join(dir, 'client') };
    // Two CLIs at once: one daemon wins the lock, both commands succeed.
    const [a, b] = await Promise.all([runCli([...args, 'images', '-q'], { env }), runCli([...args, 'info', '--format', '{{.Pid}}'], { env })]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const pid = Number(readFileSync(path.join(dir, 'run', 'forgeone.pid'), 'utf8'));
    assert.equal(Number(b.stdout.trim()), pid);
    // With the Node options that keep its memory down (cli/autostart.ts).
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    for (const option of DAEMON_NODE_OPTIONS) assert.ok(cmdline.includes(option), `daemon started with ${option}: ${cmdline.join(' ')}`);
    const c = await runCli([...args, 'images', '-q'], { env });
    assert.equal(c.code, 0);
    assert.equal(c.stderr, '', 'no message when a daemon already answers');
    assert.match(a.stderr + b.stderr, /no daemon was running; started one/);

    // The CLI that lost the race started a daemon too, which exits once it finds the lock taken.
    // Wait for that: still starting when this one stops, it would find the lock free and serve.
    for (let i = 0; i < 200 && processesMentioning(dir).some((p) => p !== pid); i++) await new Promise((r) => setTimeout(r, 25));
    assert.deepEqual(processesMentioning(dir), [pid], 'one daemon serves the data root');

    const socket = statSync(path.join(dir, 'run', 'forgeone.sock'));
    assert.ok(socket.isSocket());
    assert.equal(socket.mode & 0o777, 0o660);

    process.kill(pid, 'SIGTERM');
    await waitGone(pid);
    assert.equal(alive(pid), false);
    for (const f of ['run/forgeone.sock', 'run/forgeone.pid', 'root/forgeone.lock']) {
      assert.equal(existsSync(path.join(dir, f)), false, `${f} removed on a clean stop`);
    }
  });

  it('without autostart, a missing daemon is a clear error', async () => {
    const dir = await tmp.make('noauto-');
    const r = await runCli(['--root', path.join(dir, 'root'), '--runroot', path.join(dir, 'run'), 'images']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot connect to the ForgeOne daemon/);
    assert.match(r.stderr, /forgeone daemon/);
  });

  it('restarts after kill -9 over its stale lock and socket', async () => {
    const daemon = await TestDaemon.start();
    try {
      const first = daemon.pid!;
      await daemon.kill9();
      assert.ok(existsSync(path.join(daemon.root, 'forgeone.lock')), 'a killed daemon leaves its lock');
      await daemon.launch();
      assert.notEqual(daemon.pid, first);
      assert.equal((await daemon.cli(['images', '-q'])).code, 0);
    } finally {
      await daemon.destroy();
    }
  });

  it('refuses a bad config file with the field named', async () => {
    const dir = await tmp.make('badconfig-');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(dir, 'daemon.json'), JSON.stringify({ 'max-concurrent-downloads': 'many' }));
    const r = await runCli(['--root', path.join(dir, 'root'), '--runroot', path.join(dir, 'run'), '--config', path.join(dir, 'daemon.json'), 'daemon']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /invalid daemon config .*max-concurrent-downloads/);
    writeFileSync(path.join(dir, 'daemon.json'), '{ not json');
    const r2 = await runCli(['--root', path.join(dir, 'root'), '--runroot', path.join(dir, 'run'), '--config', path.join(dir, 'daemon.json'), 'daemon']);
    assert.notEqual(r2.code, 0);
    assert.match(r2.stderr, /is not valid JSON/);
  });
});
