/**
 * Crash recovery: `kill -9` of the daemon while containers run, during create and during start.
 * Containers are not children of the daemon, so they keep running; the next daemon re-adopts
 * them, records exits that happened meanwhile, applies restart policies, and cleans what a
 * half-done create left. Nothing may leak.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { startBusyboxDaemon, type BusyboxDaemon } from '../fixtures/busybox-daemon';
import { mountsUnder, processesMentioning } from '../fixtures/host-state';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('containers: crash recovery', () => {
  let env: BusyboxDaemon;
  const ok = async (args: string[]) => {
    const r = await env.daemon.cli(args);
    assert.equal(r.code, 0, `forgeone ${args.join(' ')}: ${r.stderr}\n${env.daemon.log.slice(-2000)}`);
    return r.stdout.trim();
  };

  before(async () => {
    env = await startBusyboxDaemon();
  });
  after(async () => {
    const root = env.daemon.root;
    await env.teardown();
    assert.deepEqual(mountsUnder(root), []);
    assert.deepEqual(processesMentioning(root), []);
  });

  it('containers survive kill -9 of the daemon and are re-adopted; exits while down are recorded', async () => {
    await ok(['run', '-d', '--name', 'long', env.ref, 'sleep', '300']);
    await ok(['run', '-d', '--name', 'short', env.ref, 'sh', '-c', 'sleep 1; exit 9']);
    await ok(['run', '-d', '--name', 'again', '--restart', 'always', env.ref, 'sh', '-c', 'sleep 1; exit 1']);
    const pid = Number(await ok(['inspect', '-f', '{{.State.Pid}}', 'long']));
    assert.ok(pid > 0 && alive(pid));
    await env.daemon.kill9();
    assert.ok(alive(pid), 'the container outlives its daemon');
    await sleep(1800);
    await env.daemon.launch();
    assert.equal(await ok(['inspect', '-f', '{{.State.Status}} {{.State.Pid}}', 'long']), `running ${pid}`);
    assert.equal(await ok(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'short']), 'exited 9');
    let restarts = 0;
    for (let i = 0; i < 50 && restarts < 1; i++) {
      restarts = Number(await ok(['inspect', '-f', '{{.RestartCount}}', 'again']));
      await sleep(100);
    }
    assert.ok(restarts >= 1, 'the restart policy was applied to an exit that happened while the daemon was down');
    await ok(['stop', '-t', '1', 'long']);
    assert.equal(await ok(['inspect', '-f', '{{.State.ExitCode}}', 'long']), '137');
    assert.equal(alive(pid), false);
    await ok(['rm', '-f', 'long', 'short', 'again']);
  });

  it('kill -9 during create or start leaves either a whole container or nothing, and no leaks', async () => {
    for (const delay of [5, 40, 120, 250]) {
      const creating = env.daemon.client
        .json('POST', '/v1/containers/create', { body: { image: env.ref, cmd: ['sleep', '30'] } })
        .then((r) => (r as { Id: string }).Id)
        .catch(() => undefined);
      await sleep(delay);
      await env.daemon.kill9();
      await creating;
      await env.daemon.launch();
      const ids = (await ok(['ps', '-a', '-q', '--no-trunc'])).split('\n').filter(Boolean);
      const dirs = readdirSync(path.join(env.daemon.root, 'containers')).filter((d) => /^[a-f0-9]{64}$/.test(d));
      assert.deepEqual(dirs.sort(), ids.sort(), `delay ${delay}: container dirs match the records`);
      for (const id of ids) {
        await ok(['start', id]);
        const starting = env.daemon.client.json('POST', `/v1/containers/${id}/restart`, { query: { t: '0' } }).catch(() => undefined);
        await sleep(delay / 4);
        await env.daemon.kill9();
        await starting;
        await env.daemon.launch();
        const state = await ok(['inspect', '-f', '{{.State.Status}}', id]);
        assert.match(state, /^(running|exited|created)$/, `delay ${delay}: a consistent state after a crash during restart`);
        await ok(['rm', '-f', id]);
      }
    }
    assert.deepEqual(mountsUnder(path.join(env.daemon.root, 'containers')), []);
    assert.deepEqual(processesMentioning(path.join(env.daemon.root, 'containers')), []);
  });
});
