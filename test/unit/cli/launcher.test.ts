import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { DAEMON_NODE_OPTIONS, daemonEnv, missingDaemonOptions } from '../../../src/cli/autostart';
import { hostEnv } from '../../../src/engine/wasm/launch';
import { CLI_VERSION } from '../../../src/cli/version';

const BIN_DIR = path.resolve(__dirname, '..', '..', '..', 'src', 'bin');
const LAUNCHER = path.join(BIN_DIR, 'forgeone.js');

describe('forgeone launcher', () => {
  it('runs from the bundle with a code cache written by the build', () => {
    assert.ok(existsSync(path.join(BIN_DIR, 'forgeone.bundle.js')), 'npm run build makes the bundle');
    const caches = readdirSync(BIN_DIR).filter((f) => f.startsWith('forgeone.bundle.js.') && f.endsWith('.cache'));
    assert.deepEqual(caches, [`forgeone.bundle.js.${process.version}-${process.arch}.cache`]);
  });

  it('is executable and drops NODE_EXTRA_CA_CERTS before Node starts, handing the value on', () => {
    // Node warns at start-up when it cannot load the file: no warning means it never saw the variable.
    const r = spawnSync(LAUNCHER, ['--version'], { encoding: 'utf8', env: { ...process.env, NODE_EXTRA_CA_CERTS: '/nonexistent/ca.pem' } });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), CLI_VERSION);
    assert.doesNotMatch(r.stderr, /extra certs|nonexistent/i);
    const withNode = spawnSync(process.execPath, [LAUNCHER, '--version'], { encoding: 'utf8', env: { ...process.env, NODE_EXTRA_CA_CERTS: '/nonexistent/ca.pem' } });
    assert.match(withNode.stderr, /nonexistent/, 'the check above can fail: node itself warns');
  });

  it('gives an autostarted daemon its NODE_EXTRA_CA_CERTS back, and wasm hosts none', () => {
    assert.deepEqual(daemonEnv({ PATH: '/bin', FORGEONE_NODE_EXTRA_CA_CERTS: '/ca.pem' }), { PATH: '/bin', NODE_EXTRA_CA_CERTS: '/ca.pem' });
    assert.deepEqual(daemonEnv({ PATH: '/bin', FORGEONE_NODE_EXTRA_CA_CERTS: '' }), { PATH: '/bin' });
    assert.deepEqual(daemonEnv({ NODE_EXTRA_CA_CERTS: '/a.pem', FORGEONE_NODE_EXTRA_CA_CERTS: '/b.pem' }), { NODE_EXTRA_CA_CERTS: '/a.pem' });
    assert.deepEqual(hostEnv({ PATH: '/bin', NODE_EXTRA_CA_CERTS: '/a.pem', FORGEONE_NODE_EXTRA_CA_CERTS: '/a.pem' }), { PATH: '/bin' });
  });

  it('names the daemon Node options a process was started without (a daemon run by hand)', () => {
    assert.deepEqual(missingDaemonOptions([]), DAEMON_NODE_OPTIONS);
    assert.deepEqual(missingDaemonOptions([...DAEMON_NODE_OPTIONS]), []);
    assert.deepEqual(missingDaemonOptions(['--liftoff-only'], '--max-semi-space-size=2 --v8-pool-size=1'), ['--heap-growing-percent=25']);
  });
});
