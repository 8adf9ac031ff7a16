/**
 * Containers end to end with the real CLI, daemon, conmon and crun: exit codes, every verb,
 * bad input, the secure defaults checked from inside, volumes and binds, restart policies.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startBusyboxDaemon, type BusyboxDaemon } from '../fixtures/busybox-daemon';
import { mountsUnder, processesMentioning } from '../fixtures/host-state';
import { FORGEONE_BIN } from '../fixtures/daemon';
import { spawnSync } from 'node:child_process';
import { readMountInfo } from '../../src/fs/linux/mountinfo';
import { overlaySupportsVolatile } from '../../src/fs/snapshots/overlay/mount-spec';

describe('containers: lifecycle with conmon + crun', () => {
  let env: BusyboxDaemon;
  let ref: string;
  const hostDir = mkdtempSync(path.join(tmpdir(), 'forgeone-binds-'));
  const cli = (args: string[], input?: string) => env.daemon.cli(args, input === undefined ? {} : { input });
  const ok = async (args: string[]) => {
    const r = await cli(args);
    assert.equal(r.code, 0, `forgeone ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    env = await startBusyboxDaemon();
    ref = env.ref;
  });
  after(async () => {
    const root = env.daemon.root;
    await env.teardown();
    rmSync(hostDir, { recursive: true, force: true });
    assert.deepEqual(mountsUnder(root), [], 'no mounts left under the data root');
    assert.deepEqual(processesMentioning(root), [], 'no conmon or container process left');
  });

  it('run exits with the container exit code and streams its output', async () => {
    const r = await cli(['run', '--rm', ref, 'sh', '-c', 'echo out; echo err >&2; exit 7']);
    assert.equal(r.code, 7);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
  });

  it('127 for a command that does not exist, 126 for one that cannot run', async () => {
    const before = (await ok(['ps', '-a', '-q'])).split('\n').filter(Boolean).length;
    const missing = await cli(['run', '--rm', ref, 'no-such-command']);
    assert.equal(missing.code, 127);
    assert.match(missing.stderr, /no-such-command.*not found/);
    const notExec = await cli(['run', '--rm', ref, '/etc/passwd']);
    assert.equal(notExec.code, 126, notExec.stderr);
    let after = -1;
    for (let i = 0; i < 30 && after !== before; i++) {
      after = (await ok(['ps', '-a', '-q'])).split('\n').filter(Boolean).length;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(after, before, '--rm removes a container whose command could not run');
  });

  it('runs with the secure defaults in force inside the container', async () => {
    const out = await ok([
      'run', '--rm', ref, 'sh', '-c',
      'grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status; cat /proc/keys 2>&1 | wc -c; touch /proc/sysrq-trigger 2>/dev/null && echo sysrq-writable; mount -t tmpfs x /mnt 2>/dev/null && echo mounted; cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max; ulimit -n',
    ]);
    assert.match(out, /CapEff:\s+00000000a80425fb/);
    assert.match(out, /NoNewPrivs:\s+1/);
    assert.match(out, /Seccomp:\s+2/);
    assert.doesNotMatch(out, /sysrq-writable|mounted/);
    assert.match(out, /^0$/m, '/proc/keys is masked');
    assert.match(out, /^2048$/m, 'a pids limit by default');
  });

  it('applies user, env, workdir, hostname, labels, limits and capabilities', async () => {
    const out = await ok([
      'run', '--rm', '-u', '65534:65534', '-e', 'GREETING=hi there', '-w', '/tmp', '--hostname', 'box1', '--memory', '64m', '--pids-limit', '50',
      '--cap-drop', 'ALL', '--cap-add', 'NET_BIND_SERVICE', '--label', 'team=forge', ref, 'sh', '-c',
      'id -u; echo "$GREETING"; pwd; hostname; grep CapBnd /proc/self/status; cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max; cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max',
    ]);
    assert.deepEqual(out.trim().split('\n'), ['65534', 'hi there', '/tmp', 'box1', 'CapBnd:\t0000000000000400', '67108864', '50']);
  });

  it('refuses bad input with clear errors', async () => {
    const mem = await cli(['run', '--rm', '--memory', 'abc', ref, 'true']);
    assert.equal(mem.code, 125);
    assert.match(mem.stderr, /memory/i);
    const bind = await cli(['run', '--rm', '-v', '/no/such/dir:/x', ref, 'true']);
    assert.notEqual(bind.code, 0);
    assert.match(bind.stderr, /bind source path does not exist: \/no\/such\/dir/);
    const cap = await cli(['run', '--rm', '--cap-add', 'NOT_A_CAP', ref, 'true']);
    assert.notEqual(cap.code, 0);
    assert.match(cap.stderr, /NOT_A_CAP/);
    const unknown = await cli(['start', 'no-such-container']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No such container: no-such-container/);
    const noImage = await cli(['create', '--pull', 'never', 'missing/image:1']);
    assert.notEqual(noImage.code, 0);
    assert.match(noImage.stderr, /No such image|Unable to find image/);
  });

  it('names are unique; rm of a running container needs -f', async () => {
    await ok(['run', '-d', '--name', 'web', ref, 'sleep', '300']);
    const dup = await cli(['run', '-d', '--name', 'web', ref, 'true']);
    assert.notEqual(dup.code, 0);
    assert.match(dup.stderr, /name "\/web" is already in use/);
    const rm = await cli(['rm', 'web']);
    assert.equal(rm.code, 1);
    assert.match(rm.stderr, /cannot remove container web: it is running/);
    await ok(['rm', '-f', 'web']);
    assert.equal((await ok(['ps', '-a', '-q', '--filter', 'name=web'])).trim(), '');
  });

  it('detached: ps, logs, exec, top, pause, unpause, inspect, rename, stop', async () => {
    const id = (await ok(['run', '-d', '--name', 'svc', ref, 'sh', '-c', 'echo started; while true; do sleep 0.2; done'])).trim();
    assert.match(id, /^[a-f0-9]{64}$/);
    const ps = await ok(['ps', '--format', '{{.Names}} {{.State}}']);
    assert.match(ps, /^svc running$/m);
    for (let i = 0; i < 20 && !(await ok(['logs', 'svc'])).includes('started'); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(await ok(['logs', 'svc']), 'started\n');
    const exec = await cli(['exec', 'svc', 'sh', '-c', 'echo in-exec; exit 3']);
    assert.equal(exec.code, 3);
    assert.equal(exec.stdout, 'in-exec\n');
    const missing = await cli(['exec', 'svc', 'no-such-binary']);
    assert.equal(missing.code, 127);
    assert.match(missing.stderr, /no-such-binary/);
    const top = await ok(['top', 'svc']);
    assert.match(top, /PID/);
    assert.match(top, /sleep|while/);
    await ok(['pause', 'svc']);
    assert.equal((await ok(['inspect', '-f', '{{.State.Status}}', 'svc'])).trim(), 'paused');
    const execPaused = await cli(['exec', 'svc', 'true']);
    assert.notEqual(execPaused.code, 0);
    await ok(['unpause', 'svc']);
    await ok(['rename', 'svc', 'svc2']);
    assert.equal((await ok(['inspect', '-f', '{{.Id}}', 'svc2'])).trim(), id);
    const started = Date.now();
    await ok(['stop', '-t', '1', 'svc2']);
    assert.ok(Date.now() - started < 5000, 'sh ignores SIGTERM; killed after the 1 s timeout');
    assert.equal((await ok(['inspect', '-f', '{{.State.ExitCode}}', 'svc2'])).trim(), '137');
    await ok(['rm', 'svc2']);
  });

  it('named volumes persist between containers; binds honour :ro; --read-only and --tmpfs', async () => {
    await ok(['run', '--rm', '-v', 'data1:/data', ref, 'sh', '-c', 'echo kept > /data/file']);
    assert.equal(await ok(['run', '--rm', '-v', 'data1:/data', ref, 'cat', '/data/file']), 'kept\n');
    assert.match(await ok(['volume', 'ls']), /data1/);
    writeFileSync(path.join(hostDir, 'host.txt'), 'from host\n');
    assert.equal(await ok(['run', '--rm', '-v', `${hostDir}:/h:ro`, ref, 'cat', '/h/host.txt']), 'from host\n');
    const roWrite = await cli(['run', '--rm', '-v', `${hostDir}:/h:ro`, ref, 'sh', '-c', 'echo x > /h/new']);
    assert.notEqual(roWrite.code, 0);
    assert.equal(existsSync(path.join(hostDir, 'new')), false);
    await ok(['run', '--rm', '-v', `${hostDir}:/h`, ref, 'sh', '-c', 'echo written > /h/new']);
    assert.equal(readFileSync(path.join(hostDir, 'new'), 'utf8'), 'written\n');
    const ro = await cli(['run', '--rm', '--read-only', '--tmpfs', '/tmp', ref, 'sh', '-c', 'echo ok > /tmp/x && cat /tmp/x && touch /etc/x']);
    assert.notEqual(ro.code, 0);
    assert.equal(ro.stdout, 'ok\n');
    assert.match(ro.stderr, /Read-only file system/);
    const inUse = await cli(['run', '-d', '--name', 'holder', '-v', 'data1:/data', ref, 'sleep', '60']);
    assert.equal(inUse.code, 0, inUse.stderr);
    const rmv = await cli(['volume', 'rm', 'data1']);
    assert.notEqual(rmv.code, 0);
    assert.match(rmv.stderr, /in use/);
    await ok(['rm', '-f', 'holder']);
    await ok(['volume', 'rm', 'data1']);
  });

  it('cp copies files both ways', async () => {
    await ok(['create', '--name', 'cpbox', ref, 'true']);
    writeFileSync(path.join(hostDir, 'in.txt'), 'copied in\n');
    await ok(['cp', path.join(hostDir, 'in.txt'), 'cpbox:/tmp/in.txt']);
    await ok(['cp', 'cpbox:/tmp/in.txt', path.join(hostDir, 'out.txt')]);
    assert.equal(readFileSync(path.join(hostDir, 'out.txt'), 'utf8'), 'copied in\n');
    await ok(['cp', 'cpbox:/etc/passwd', path.join(hostDir, 'passwd')]);
    assert.match(readFileSync(path.join(hostDir, 'passwd'), 'utf8'), /^root:/);
    // /etc/hostname is a bind mount inside the container: copied from its source, not the rootfs.
    await ok(['cp', 'cpbox:/etc/hostname', path.join(hostDir, 'hostname')]);
    assert.match(readFileSync(path.join(hostDir, 'hostname'), 'utf8'), /^[a-f0-9]{12}\n$/);
    await ok(['rm', 'cpbox']);
    // Into a named volume: a different filesystem than the rootfs.
    await ok(['create', '--name', 'cpvol', '-v', 'cpdata:/data', ref, 'true']);
    await ok(['cp', path.join(hostDir, 'in.txt'), 'cpvol:/data/']);
    assert.equal(await ok(['run', '--rm', '-v', 'cpdata:/data', ref, 'cat', '/data/in.txt']), 'copied in\n');
    await ok(['rm', '-v', 'cpvol']);
    await ok(['volume', 'rm', 'cpdata']);
  });

  it('restart policy on-failure:2 restarts twice with backoff, then stays exited', async () => {
    await ok(['run', '-d', '--name', 'flaky', '--restart', 'on-failure:2', ref, 'sh', '-c', 'exit 5']);
    let status = '';
    for (let i = 0; i < 60; i++) {
      status = (await ok(['inspect', '-f', '{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}', 'flaky'])).trim();
      if (status === 'exited 2 5') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(status, 'exited 2 5');
    await ok(['rm', 'flaky']);
  });

  it('rmi refuses an image a container uses; -f then removes only its names', async () => {
    await ok(['tag', ref, 'pinned:1']);
    await ok(['create', '--name', 'user1', 'pinned:1', 'true']);
    await ok(['rmi', ref]);
    const refused = await cli(['rmi', 'pinned:1']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /container user1 is using it/);
    await ok(['rmi', '-f', 'pinned:1']);
    await ok(['start', '-a', 'user1']);
    const df = JSON.parse((await ok(['system', 'df', '--format', 'json'])).split('\n')[0]!);
    assert.equal(df.Type, 'Images');
    assert.equal(df.Active, '1', 'the image is in use by a container');
    await ok(['rm', 'user1']);
    await ok(['pull', '-q', ref]);
  });

  it('run -it gives an interactive shell on a terminal (under a real pty)', async () => {
    // script's own pty starts at 0x0; give it a size so the container's terminal gets one too.
    const command = `stty rows 30 cols 100; ${process.execPath} ${FORGEONE_BIN} --host unix://${env.daemon.socket} run -it --rm ${ref} sh`;
    const r = spawnSync('script', ['-qec', command, '/dev/null'], {
      input: 'tty; stty size; echo typed-$((40 + 2)); exit 3\n',
      encoding: 'utf8',
      timeout: 20_000,
      env: { ...process.env, FORGEONE_NO_AUTOSTART: '1', FORGEONE_CONFIG_DIR: path.join(env.daemon.dir, 'client') },
    });
    assert.equal(r.status, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /\/dev\/pts\/\d+/);
    assert.match(r.stdout, /typed-42/);
    assert.match(r.stdout, /^30 100\r?$/m, 'the terminal size reached the container');
  });

  it('--rm removes the container after it exits; wait returns the exit code', async () => {
    await ok(['run', '--rm', '--name', 'gone', ref, 'true']);
    assert.equal((await ok(['ps', '-a', '-q', '--filter', 'name=gone'])).trim(), '');
    await ok(['run', '-d', '--name', 'waiter', ref, 'sh', '-c', 'sleep 0.3; exit 4']);
    assert.equal((await ok(['wait', 'waiter'])).trim(), '4');
    await ok(['rm', 'waiter']);
  });

  it('mounts the rootfs of a --rm container volatile (its unmount does not sync the host), others not', async () => {
    const volatileOf = async (name: string) => {
      const id = (await ok(['inspect', '--format', '{{.Id}}', name])).trim();
      const rootfs = path.join(env.daemon.root, 'containers', id, 'rootfs');
      const entry = (await readMountInfo()).find((m) => m.mountPoint === rootfs);
      assert.ok(entry, `${name}: its rootfs is mounted`);
      // Kernels since 6.6 show it as fsync=volatile.
      return entry.superOptions.split(',').some((o) => o === 'volatile' || o === 'fsync=volatile');
    };
    await ok(['create', '--rm', '--name', 'vol-rm', ref, 'true']);
    await ok(['create', '--name', 'vol-kept', ref, 'true']);
    assert.equal(await volatileOf('vol-rm'), overlaySupportsVolatile());
    assert.equal(await volatileOf('vol-kept'), false);
    // It still runs, exits and is removed as any --rm container.
    await ok(['start', '-a', 'vol-rm']);
    for (let i = 0; i < 50 && (await ok(['ps', '-a', '-q', '--filter', 'name=vol-rm'])).trim() !== ''; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal((await ok(['ps', '-a', '-q', '--filter', 'name=vol-rm'])).trim(), '');
    await ok(['rm', 'vol-kept']);
  });
});
