/**
 * What the daemon keeps out of memory until it is needed (bench/README.md, "Daemon memory"):
 * conmon's attach addon (node-unix-socket) is mapped at the first attach, not at start, and
 * containers that are only created and started never load it.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startBusyboxDaemon, type BusyboxDaemon } from '../fixtures/busybox-daemon';

function mapped(pid: number, file: RegExp): boolean {
  return readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n').some((line) => file.test(line));
}

const ADDON = /node-unix-socket[^/]*\.node$/;

describe('daemon memory: lazily loaded parts', () => {
  let env: BusyboxDaemon;
  before(async () => {
    env = await startBusyboxDaemon();
  });
  after(() => env?.teardown());

  it('maps the attach addon only at the first attach', async () => {
    const { daemon, ref } = env;
    const pid = daemon.pid!;
    assert.equal(mapped(pid, ADDON), false, 'not mapped after start and pull');

    const detached = await daemon.cli(['run', '-d', ref, 'sleep', '30']);
    assert.equal(detached.code, 0, detached.stderr);
    assert.equal(mapped(pid, ADDON), false, 'a detached run does not attach');
    assert.equal((await daemon.cli(['rm', '-f', detached.stdout.trim()])).code, 0);

    const attached = await daemon.cli(['run', '--rm', ref, 'echo', 'hello']);
    assert.equal(attached.code, 0, attached.stderr);
    assert.equal(attached.stdout, 'hello\n');
    assert.equal(mapped(pid, ADDON), true, 'mapped once a client attached');
  });
});
