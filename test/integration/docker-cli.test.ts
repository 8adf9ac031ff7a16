/**
 * The real `docker` CLI (28.x here; Debian's 20.10 with FORGEONE_TEST_DOCKER) against ForgeOne's
 * socket: every common command, checked for its real output and exit code, and bad input
 * refused with Docker's error JSON and status.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import * as net from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startBusyboxDaemon, type BusyboxDaemon } from '../fixtures/busybox-daemon';
import { mountsUnder, processesMentioning } from '../fixtures/host-state';
import { DOCKER_BIN, dockerEnv, runDocker } from '../fixtures/docker-cli';
import { startRegistry } from '../fixtures/registry';
import { httpGet } from '../fixtures/http-get';

/** One raw request on the daemon's socket: status, headers and body. */
function request(socketPath: string, method: string, urlPath: string, body?: unknown): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method, path: urlPath, headers: body === undefined ? {} : { 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}


function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

describe('docker CLI against the ForgeOne socket', () => {
  let env: BusyboxDaemon;
  let ref: string;
  const hostDir = mkdtempSync(path.join(tmpdir(), 'forgeone-docker-cp-'));
  const docker = (args: string[], input?: string) => runDocker(env.daemon, args, input === undefined ? {} : { input });
  const ok = async (args: string[]) => {
    const r = await docker(args);
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
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

  it('docker version shows the server and its API version', async () => {
    const out = await ok(['version', '--format', '{{.Server.Version}} {{.Server.APIVersion}} {{.Server.MinAPIVersion}} {{.Server.Os}}']);
    assert.match(out.trim(), /^\d+\.\d+\.\d+ 1\.50 1\.24 linux$/);
    const full = await ok(['version']);
    assert.match(full, /Server: ForgeOne/);
  });

  it('run --rm prints the output and returns the exit code; stdout and stderr stay apart', async () => {
    const r = await docker(['run', '--rm', ref, 'echo', 'hi']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hi\n');
    const failed = await docker(['run', '--rm', ref, 'sh', '-c', 'echo out; echo err >&2; exit 7']);
    assert.equal(failed.code, 7);
    assert.equal(failed.stdout, 'out\n');
    assert.equal(failed.stderr, 'err\n');
    assert.equal((await ok(['ps', '-a', '-q'])).trim(), '', '--rm removed both containers');
    const piped = await docker(['run', '-i', '--rm', ref, 'tr', 'a-z', 'A-Z'], 'piped input\n');
    assert.equal(piped.stdout, 'PIPED INPUT\n');
  });

  it('run -d, ps -a, logs -f, exec, inspect, stop, rm -f', async () => {
    const id = (await ok(['run', '-d', '--name', 'svc', '--label', 'team=forge', ref, 'sh', '-c', 'echo started; trap "echo bye; exit 3" TERM; while true; do sleep 0.1; done'])).trim();
    assert.match(id, /^[a-f0-9]{64}$/);
    const ps = await ok(['ps', '-a', '--no-trunc', '--format', '{{.ID}} {{.Names}} {{.State}} {{.Label "team"}}']);
    assert.match(ps, new RegExp(`^${id} svc running forge$`, 'm'));
    assert.equal((await ok(['ps', '-q', '--filter', 'label=team=forge', '--filter', 'status=running'])).trim(), id.slice(0, 12));
    assert.equal((await ok(['ps', '-a', '-q', '--filter', 'name=no-such'])).trim(), '');
    for (let i = 0; i < 30 && !(await ok(['logs', 'svc'])).includes('started'); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(await ok(['logs', 'svc']), 'started\n');
    const stamped = await ok(['logs', '-t', 'svc']);
    assert.match(stamped, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z started\n$/);

    const exec = await docker(['exec', 'svc', 'sh', '-c', 'echo in-exec; echo exec-err >&2; exit 3']);
    assert.equal(exec.code, 3);
    assert.equal(exec.stdout, 'in-exec\n');
    assert.equal(exec.stderr, 'exec-err\n');
    assert.equal((await ok(['exec', '-e', 'X=1', '-w', '/tmp', 'svc', 'sh', '-c', 'echo $X $(pwd)'])).trim(), '1 /tmp');
    assert.equal((await docker(['exec', '-i', 'svc', 'cat'], 'through stdin\n')).stdout, 'through stdin\n');
    await ok(['exec', '-d', 'svc', 'touch', '/tmp/detached']);
    assert.equal((await docker(['exec', 'svc', 'test', '-e', '/tmp/detached'])).code, 0);
    const missing = await docker(['exec', 'svc', 'no-such-command']);
    assert.notEqual(missing.code, 0);

    // logs -f follows until the container stops (stop's SIGTERM runs the trap: "bye", exit 3).
    const follow = runDocker(env.daemon, ['logs', '-f', 'svc'], { timeoutMs: 20_000 });
    await new Promise((r) => setTimeout(r, 500));
    await ok(['stop', '-t', '5', 'svc']);
    const followed = await follow;
    assert.equal(followed.code, 0, followed.stderr);
    assert.equal(followed.stdout, 'started\nbye\n');
    assert.equal((await ok(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}} {{.Name}} {{.Config.Labels.team}}', 'svc'])).trim(), 'exited 3 /svc forge');
    const inspect = JSON.parse(await ok(['inspect', 'svc'])) as Array<Record<string, unknown>>;
    assert.equal(inspect[0]!.Id, id);
    assert.deepEqual(Object.keys((inspect[0]!.NetworkSettings as { Networks: object }).Networks), ['bridge'], 'on the default bridge');
    assert.equal(inspect[0]!.Platform, 'linux');
    const config = inspect[0]!.Config as { Env: string[]; Cmd: string[]; Labels: Record<string, string> };
    assert.ok(config.Env.some((e) => e.startsWith('PATH=')), 'Config.Env includes the image\'s PATH');
    assert.equal(config.Cmd[0], 'sh');
    assert.equal(config.Labels.team, 'forge');
    await ok(['rm', '-f', 'svc']);
    const gone = await docker(['inspect', 'svc']);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /No such object: svc|No such container: svc/i);
  });

  it('pause, unpause, top, rename, restart, kill, wait', async () => {
    await ok(['run', '-d', '--name', 'life', ref, 'sleep', '300']);
    assert.match(await ok(['top', 'life']), /sleep 300/);
    await ok(['pause', 'life']);
    assert.equal((await ok(['inspect', '-f', '{{.State.Paused}} {{.State.Status}}', 'life'])).trim(), 'true paused');
    await ok(['unpause', 'life']);
    await ok(['rename', 'life', 'life2']);
    await ok(['restart', '-t', '0', 'life2']);
    assert.equal((await ok(['inspect', '-f', '{{.State.Running}}', 'life2'])).trim(), 'true');
    const wait = runDocker(env.daemon, ['wait', 'life2']);
    await ok(['kill', '-s', 'KILL', 'life2']);
    const waited = await wait;
    assert.equal(waited.stdout.trim(), '137');
    const notRunning = await docker(['kill', 'life2']);
    assert.notEqual(notRunning.code, 0);
    assert.match(notRunning.stderr, /not running|cannot kill/i);
    await ok(['rm', 'life2']);
  });

  it('create applies resources, limits, capabilities, read-only rootfs, tmpfs and volumes', async () => {
    const out = await ok([
      'run', '--rm', '--memory', '64m', '--cpus', '0.5', '--cpu-shares', '512', '--pids-limit', '50', '--cap-drop', 'ALL', '--cap-add', 'NET_BIND_SERVICE',
      '--read-only', '--tmpfs', '/scratch:size=1m', '-v', 'dockervol:/data', '--init', '-u', '65534', ref, 'sh', '-c',
      'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.shares /sys/fs/cgroup/pids/pids.max; grep CapBnd /proc/self/status; touch /x 2>/dev/null || echo ro; touch /scratch/y && echo tmpfs-ok; id -u; cat /proc/1/cmdline | tr "\\0" " "',
    ]);
    const lines = out.trim().split('\n');
    assert.deepEqual(lines.slice(0, 8), ['67108864', '50000', '512', '50', 'CapBnd:\t0000000000000400', 'ro', 'tmpfs-ok', '65534']);
    assert.match(lines[8]!, /catatonit|init/);
    assert.match(await ok(['volume', 'ls', '-q']), /^dockervol$/m);
    await ok(['volume', 'rm', 'dockervol']);
  });

  it('images, tag, rmi, save | load, pull and push with progress', async () => {
    const images = await ok(['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']);
    assert.match(images, new RegExp(`^${ref.replace(/[.]/g, '\\.')} [a-f0-9]{12}$`, 'm'));
    const copy = `${env.registry.host}/docker/copy:v1`;
    await ok(['tag', ref, copy]);
    assert.match(await ok(['images', '--filter', `reference=${env.registry.host}/docker/*`, '--format', '{{.Repository}}:{{.Tag}}']), /docker\/copy:v1/);
    const pushed = await ok(['push', copy]);
    assert.match(pushed, /v1: digest: sha256:[a-f0-9]{64} size: \d+/);
    const saved = await runDocker(env.daemon, ['$DOCKER', 'save', copy, '|', '$DOCKER', 'load'], { shell: true });
    assert.equal(saved.code, 0, saved.stderr);
    assert.match(saved.stdout, new RegExp(`Loaded image: ${copy.replace(/[.]/g, '\\.')}`));
    assert.match(await ok(['rmi', copy]), /Untagged: .*docker\/copy:v1/);
    assert.equal((await ok(['images', '-q', copy])).trim(), '');
    const pulled = await ok(['pull', copy]);
    assert.match(pulled, /v1: Pulling from docker\/copy/);
    assert.match(pulled, /Digest: sha256:[a-f0-9]{64}/);
    assert.match(pulled, /Status: (Downloaded newer image|Image is up to date) for/);
    assert.equal(JSON.parse(await ok(['image', 'inspect', '--format', '{{json .RepoTags}}', copy])).length >= 1, true);
    assert.match(await ok(['history', copy]), /IMAGE|CREATED/);
    await ok(['rmi', copy]);
    const missing = await docker(['pull', `${env.registry.host}/no/such:tag`]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr + missing.stdout, /not found|unknown|manifest/i);
    const search = await docker(['search', 'busybox']);
    assert.notEqual(search.code, 0);
    assert.match(search.stderr, /not supported/);
  });

  it('cp copies files both ways; export tars the filesystem', async () => {
    await ok(['run', '-d', '--name', 'cpbox', ref, 'sleep', '300']);
    writeFileSync(path.join(hostDir, 'in.txt'), 'from the host\n');
    await ok(['cp', path.join(hostDir, 'in.txt'), 'cpbox:/tmp/in.txt']);
    assert.equal(await ok(['exec', 'cpbox', 'cat', '/tmp/in.txt']), 'from the host\n');
    await ok(['exec', 'cpbox', 'sh', '-c', 'mkdir -p /out/sub && echo from-container > /out/sub/f']);
    await ok(['cp', 'cpbox:/out', path.join(hostDir, 'out')]);
    assert.equal(readFileSync(path.join(hostDir, 'out', 'sub', 'f'), 'utf8'), 'from-container\n');
    const absent = await docker(['cp', 'cpbox:/no/such/file', hostDir]);
    assert.notEqual(absent.code, 0);
    assert.match(absent.stderr, /no such file|not found|Could not find|No such container:path/i);
    const exported = await runDocker(env.daemon, ['$DOCKER', 'export', 'cpbox', '|', 'tar', '-t'], { shell: true });
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, /^\.\/bin\/busybox$/m);
    assert.match(exported.stdout, /^\.\/out\/sub\/f$/m);
    await ok(['rm', '-f', 'cpbox']);
  });

  it('run -it under a pty: type a command, read its output, exit code comes back', async () => {
    const child = spawn('script', ['-qec', `${DOCKER_BIN} run -it --rm ${ref} sh`, '/dev/null'], { env: { ...process.env, ...dockerEnv(env.daemon) }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const waitFor = async (re: RegExp) => {
      for (let i = 0; i < 100 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 100));
      assert.match(out, re);
    };
    await waitFor(/# /);
    child.stdin.write('echo $((6*7)); tty\n');
    await waitFor(/^42\r?$/m);
    await waitFor(/\/dev\/pts\/\d+/);
    child.stdin.write('exit 5\n');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    assert.equal(code, 5);
  });

  it('run pulls a missing image; start -a replays; exec -it under a pty', async () => {
    const other = `${env.registry.host}/docker/autopull:v1`;
    await ok(['tag', ref, other]);
    await ok(['push', '-q', other]);
    await ok(['rmi', other]);
    const run = await docker(['run', '--rm', other, 'echo', 'auto-pulled']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.split('\n').filter((l) => l === 'auto-pulled').length, 1);
    assert.match(run.stderr, /Unable to find image .* locally/);
    await ok(['rmi', other]);

    await ok(['create', '--name', 'sa', ref, 'sh', '-c', 'echo attached-start; exit 2']);
    const startA = await docker(['start', '-a', 'sa']);
    assert.equal(startA.code, 2);
    assert.equal(startA.stdout, 'attached-start\n');
    assert.equal(await ok(['logs', '--since', '10m', 'sa']), 'attached-start\n');
    assert.equal((await ok(['ps', '-a', '--filter', 'exited=2', '--format', '{{.Names}}'])).trim(), 'sa');
    await ok(['create', '--name', 'keepme', '--label', 'keep=1', ref, 'true']);
    assert.match(await ok(['container', 'prune', '-f', '--filter', 'label=keep=1', '--filter', 'until=1h']), /Total reclaimed space/, 'keepme is too new for until=1h');
    assert.equal((await ok(['ps', '-a', '-q', '--filter', 'name=keepme'])).trim().length, 12);
    assert.match(await ok(['container', 'prune', '-f', '--filter', 'label=keep=1']), /Deleted Containers:/);
    assert.equal((await ok(['ps', '-a', '-q', '--filter', 'name=keepme'])).trim(), '');
    assert.match(await ok(['container', 'prune', '-f']), /Deleted Containers:/);

    await ok(['run', '-d', '--name', 'ttyexec', ref, 'sleep', '300']);
    const child = spawn('script', ['-qec', `${DOCKER_BIN} exec -it ttyexec sh`, '/dev/null'], { env: { ...process.env, ...dockerEnv(env.daemon) }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    for (let i = 0; i < 100 && !/# /.test(out); i++) await new Promise((r) => setTimeout(r, 100));
    child.stdin.write('echo $((2+3)); exit 4\n');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    assert.match(out, /^5\r?$/m);
    assert.equal(code, 4);
    await ok(['rm', '-f', 'ttyexec']);
  });

  it('system df, network ls, system prune', async () => {
    const df = await ok(['system', 'df']);
    assert.match(df, /^Images\s+\d+\s+\d+\s+[\d.]+[kMG]?B/m);
    assert.match(df, /^Containers\s+\d+/m);
    assert.match(df, /^Local Volumes\s+\d+/m);
    const ls = await ok(['network', 'ls']);
    for (const re of [/\bbridge\s+bridge\s+local/, /\bhost\s+host\s+local/, /\bnone\s+null\s+local/]) assert.match(ls, re);
    assert.match(await ok(['system', 'prune', '-f']), /Total reclaimed space/);
  });

  it('networks: create, ls, inspect, name resolution, a published port, port, ps, connect/disconnect, rm', async () => {
    const tag = randomInt(0x1000, 0xffff).toString(16);
    const net1 = `dn1-${tag}`;
    const net2 = `dn2-${tag}`;
    const net3 = `dn5-${tag}`;
    const subnet = `10.86.${randomInt(1, 250)}.0/24`;
    const names = [`a-${tag}`, `web-${tag}`, `c-${tag}`, `m-${tag}`];
    const web = ['sh', '-c', 'echo hello-web > /tmp/index.html; exec httpd -f -p 80 -h /tmp'];
    // busybox-static's wget crashes (SIGSEGV): fetch with nc.
    const fetch = (host: string) => ['sh', '-c', `printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${host} 80 | tail -n 1`];
    const since = Math.floor(Date.now() / 1000);
    try {
      const id = (await ok(['network', 'create', '--subnet', subnet, '--label', `t=${tag}`, net1])).trim();
      assert.match(id, /^[a-f0-9]{64}$/);
      assert.match(await ok(['network', 'ls']), new RegExp(`^${id.slice(0, 12)}\\s+${net1}\\s+bridge\\s+local$`, 'm'));
      assert.equal((await ok(['network', 'ls', '-q', '--filter', `label=t=${tag}`])).trim(), id.slice(0, 12));
      assert.deepEqual((await ok(['network', 'ls', '--filter', 'type=builtin', '--format', '{{.Name}}'])).trim().split('\n').sort(), ['bridge', 'host', 'none']);
      const shown = JSON.parse(await ok(['network', 'inspect', net1]))[0];
      assert.equal(shown.IPAM.Config[0].Subnet, subnet);
      assert.equal(shown.Driver, 'bridge');
      assert.equal(shown.Labels.t, tag);
      const bridge = shown.Options['com.docker.network.bridge.name'] as string;

      await ok(['run', '-d', '--network', net1, '--name', names[0]!, ref, ...web]);
      assert.equal((await ok(['run', '--rm', '--network', net1, ref, ...fetch(names[0]!)])).trim(), 'hello-web', 'a reached by name');
      const ip = (await ok(['inspect', '-f', `{{(index .NetworkSettings.Networks "${net1}").IPAddress}}`, names[0]!])).trim();
      assert.equal(ip.split('.').slice(0, 3).join('.'), subnet.split('.').slice(0, 3).join('.'));
      const members = JSON.parse(await ok(['network', 'inspect', net1]))[0].Containers as Record<string, { Name: string; IPv4Address: string }>;
      assert.deepEqual(Object.values(members).map((m) => [m.Name, m.IPv4Address]), [[names[0], `${ip}/24`]]);
      assert.equal((await ok(['ps', '-q', '--filter', `network=${net1}`])).trim().split('\n').length, 1);

      const port = await freePort();
      await ok(['run', '-d', '-p', `127.0.0.1:${port}:80`, '--name', names[1]!, ref, ...web]);
      let body = '';
      for (let i = 0; i < 30 && !body.includes('hello-web'); i++) body = await httpGet(port).catch(() => new Promise<string>((r) => setTimeout(() => r(''), 100)));
      assert.match(body, /hello-web/, 'the published port answers on the host');
      assert.equal((await ok(['port', names[1]!])).trim(), `80/tcp -> 127.0.0.1:${port}`);
      assert.match(await ok(['ps']), new RegExp(`127\\.0\\.0\\.1:${port}->80/tcp\\s+${names[1]}`));
      assert.match((await ok(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', names[1]!])).trim(), /^172\.29\./, 'default bridge address at the top level');

      assert.match(await ok(['ps', '--format', '{{.Names}} {{.Networks}}']), new RegExp(`^${names[1]} bridge$`, 'm'));
      // -P with --expose: a free host port on every address.
      await ok(['run', '-d', '-P', '--expose', '80', '--name', names[2]!, ref, ...web]);
      const any = (await ok(['port', names[2]!, '80/tcp'])).trim().split('\n')[0]!;
      assert.match(any, /^0\.0\.0\.0:\d+$/);
      assert.match(await httpGet(Number(any.split(':')[1])), /hello-web/);
      const etc = await ok(['run', '--rm', '--dns', '9.9.9.9', '--add-host', 'db.example:10.1.2.3', ref, 'sh', '-c', 'cat /etc/resolv.conf /etc/hosts']);
      assert.match(etc, /^nameserver 9\.9\.9\.9$/m);
      assert.match(etc, /^10\.1\.2\.3\s+db\.example$/m);

      // connect a running container to a second network, then disconnect it.
      await ok(['network', 'create', net2]);
      await ok(['network', 'connect', '--alias', `alias-${tag}`, net2, names[0]!]);
      const both = Object.keys(JSON.parse(await ok(['inspect', names[0]!]))[0].NetworkSettings.Networks).sort();
      assert.deepEqual(both, [net1, net2].sort());
      assert.equal((await ok(['run', '--rm', '--network', net2, ref, ...fetch(`alias-${tag}`)])).trim(), 'hello-web', 'reached by its alias on the second network');
      await ok(['network', 'disconnect', '-f', net2, names[0]!]);
      // Two --network at run (API 1.44+ sends both at create): joined to both; an unknown one leaves no container.
      await ok(['run', '-d', '--network', net1, '--network', net2, '--name', names[3]!, ref, 'sleep', '300']);
      assert.deepEqual(Object.keys(JSON.parse(await ok(['inspect', names[3]!]))[0].NetworkSettings.Networks).sort(), [net1, net2].sort());
      await ok(['rm', '-f', names[3]!]);
      const half = await docker(['create', '--network', net1, '--network', `nosuch-${tag}`, '--name', names[3]!, ref, 'true']);
      assert.equal(half.code, 1);
      assert.match(half.stderr, new RegExp(`network nosuch-${tag} not found`));
      assert.equal((await ok(['ps', '-a', '-q', '--filter', `name=${names[3]}`])).trim(), '', 'no half-made container');
      assert.deepEqual(Object.keys(JSON.parse(await ok(['inspect', names[0]!]))[0].NetworkSettings.Networks), [net1]);

      // bad input
      const inUse = await docker(['network', 'rm', net1]);
      assert.equal(inUse.code, 1);
      assert.match(inUse.stderr, /has active endpoints/);
      const unknown = await docker(['run', '--rm', '--network', `nosuch-${tag}`, ref, 'true']);
      assert.equal(unknown.code, 125);
      assert.match(unknown.stderr, new RegExp(`network nosuch-${tag} not found`));
      const dup = await docker(['network', 'create', net1]);
      assert.notEqual(dup.code, 0);
      assert.match(dup.stderr, /already exists/);
      const overlap = await docker(['network', 'create', '--subnet', subnet, `dn3-${tag}`]);
      assert.notEqual(overlap.code, 0);
      assert.match(overlap.stderr, /overlaps/);
      const macvlan = await docker(['network', 'create', '-d', 'macvlan', `dn4-${tag}`]);
      assert.notEqual(macvlan.code, 0);
      assert.match(macvlan.stderr, /driver "macvlan" is not supported/);
      const builtin = await docker(['network', 'rm', 'host']);
      assert.notEqual(builtin.code, 0);
      assert.match(builtin.stderr, /pre-defined network/);
      for (const [flags, why] of [[['--ip', '10.86.0.9', '--network', net1], /IPAMConfig/], [['--link', `${names[0]}:x`], /Links/], [['--dns-search', 'example.com'], /DnsSearch/], [['--network', `container:${names[0]}`], /container:/], [['--mac-address', '02:42:ac:11:00:02'], /MacAddress/]] as Array<[string[], RegExp]>) {
        const r = await docker(['run', '--rm', ...flags, ref, 'true']);
        assert.equal(r.code, 125, flags.join(' '));
        assert.match(r.stderr, why);
      }

      // prune with a label filter removes only the unused network carrying it.
      await ok(['network', 'create', '--label', `prune=${tag}`, net3]);
      const pruned = await ok(['network', 'prune', '-f', '--filter', `label=prune=${tag}`]);
      assert.match(pruned, new RegExp(`^${net3}$`, 'm'));
      assert.doesNotMatch(pruned, new RegExp(net2));

      await ok(['rm', '-f', names[0]!]);
      assert.equal((await ok(['network', 'rm', net1, net2])).trim(), `${net1}\n${net2}`);
      assert.doesNotMatch(await ok(['network', 'ls']), new RegExp(net1));
      assert.doesNotMatch(execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' }), new RegExp(`${bridge}[:@]`), 'the bridge is deleted');
      assert.doesNotMatch(execFileSync('iptables-save', [], { encoding: 'utf8' }), new RegExp(`\\b${bridge}\\b`), 'its rules are deleted');
      const events = await ok(['events', '--since', String(since), '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'type=network', '--format', '{{.Action}} {{.Actor.Attributes.name}}']);
      for (const line of [`create ${net1}`, `connect ${net2}`, `disconnect ${net2}`, `destroy ${net1}`]) assert.match(events, new RegExp(`^${line}$`, 'm'));
    } finally {
      await docker(['rm', '-f', ...names]);
      await docker(['network', 'rm', net1, net2, net3]);
    }
  });

  it('stats --no-stream prints numbers for a running container', async () => {
    await ok(['run', '-d', '--name', 'statbox', '--memory', '32m', ref, 'sleep', '300']);
    const out = await ok(['stats', '--no-stream', '--format', '{{.Name}} {{.CPUPerc}} {{.MemUsage}} {{.PIDs}}', 'statbox']);
    assert.match(out.trim(), /^statbox \d+\.\d+% [\d.]+[KMG]?i?B \/ 32MiB 1$/);
    const all = await ok(['stats', '--no-stream']);
    assert.match(all, /statbox/);
    await ok(['rm', '-f', 'statbox']);
  });

  it('volume create, ls, inspect, rm', async () => {
    assert.equal((await ok(['volume', 'create', '--label', 'k=v', 'vol1'])).trim(), 'vol1');
    assert.match(await ok(['volume', 'ls', '--filter', 'label=k=v']), /local\s+vol1/);
    assert.equal((await ok(['volume', 'inspect', '-f', '{{.Name}} {{.Driver}} {{.Labels.k}}', 'vol1'])).trim(), 'vol1 local v');
    await ok(['volume', 'rm', 'vol1']);
    const gone = await docker(['volume', 'inspect', 'vol1']);
    assert.notEqual(gone.code, 0);
  });

  it('events --since/--until replays what happened in Docker\'s words', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    await ok(['run', '--rm', '--name', 'evbox', ref, 'true']);
    await new Promise((r) => setTimeout(r, 1100));
    const until = Math.ceil(Date.now() / 1000);
    const out = await ok(['events', '--since', String(since), '--until', String(until), '--filter', 'type=container', '--format', '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}']);
    const lines = out.trim().split('\n').filter((l) => l.endsWith(' evbox'));
    assert.deepEqual(lines.map((l) => l.split(' ')[1]), ['create', 'start', 'die', 'destroy']);
  });

  it('login, then push and pull with X-Registry-Auth from the CLI\'s credentials; logout', async () => {
    const creds = { username: 'forge', password: 's3cret' };
    const reg = await startRegistry({ htpasswd: creds });
    try {
      const wrong = await docker(['login', reg.host, '-u', creds.username, '--password-stdin'], 'wrong\n');
      assert.notEqual(wrong.code, 0);
      assert.match(wrong.stderr, /incorrect username or password|unauthorized/i);
      const login = await docker(['login', reg.host, '-u', creds.username, '--password-stdin'], `${creds.password}\n`);
      assert.equal(login.code, 0, login.stderr);
      assert.match(login.stdout, /Login Succeeded/);
      const name = `${reg.host}/auth/bb:1`;
      await ok(['tag', ref, name]);
      assert.match(await ok(['push', name]), /1: digest: sha256:/);
      await ok(['rmi', name]);
      assert.match(await ok(['pull', name]), /Status: Downloaded newer image/);
      await ok(['rmi', name]);
      await ok(['logout', reg.host]);
      const anonymous = await docker(['pull', name]);
      assert.notEqual(anonymous.code, 0);
      assert.match(anonymous.stderr + anonymous.stdout, /unauthorized|authentication required|denied/i);
    } finally {
      await reg.stop();
    }
  });

  it('refuses what it cannot honour with Docker\'s error JSON and status', async () => {
    const badPort = await docker(['run', '--rm', '-p', '8000-8010:80', ref, 'true']);
    assert.equal(badPort.code, 125, 'port ranges are refused (by the CLI or the daemon)');
    const privileged = await docker(['run', '--rm', '--privileged', ref, 'true']);
    assert.equal(privileged.code, 125);
    assert.match(privileged.stderr, /HostConfig\.Privileged is not supported/);
    const noContainer = await docker(['start', 'no-such-container']);
    assert.equal(noContainer.code, 1);
    assert.match(noContainer.stderr, /No such container: no-such-container/);

    const sock = env.daemon.socket;
    const old = await request(sock, 'GET', '/v1.12/version');
    assert.equal(old.status, 400);
    assert.match(JSON.parse(old.body).message, /client version 1\.12 is too old\. Minimum supported API version is 1\.24/);
    const tooNew = await request(sock, 'GET', '/v1.99/info');
    assert.equal(tooNew.status, 400);
    const ping = await request(sock, 'HEAD', '/_ping');
    assert.equal(ping.status, 200);
    assert.equal(ping.headers['api-version'], '1.50');
    assert.equal(ping.headers['docker-experimental'], 'false');
    assert.equal(ping.headers.ostype, 'linux');
    const unsupportedField = await request(sock, 'POST', '/v1.41/containers/create', { Image: ref, HostConfig: { OomScoreAdj: 500 } });
    assert.equal(unsupportedField.status, 400);
    assert.deepEqual(JSON.parse(unsupportedField.body), { message: 'HostConfig.OomScoreAdj is not supported by ForgeOne' });
    const zeroFields = await request(sock, 'POST', '/containers/create', { Image: ref, Cmd: ['true'], HostConfig: { OomScoreAdj: 0, Devices: [], MemorySwappiness: -1, Ulimits: null } });
    assert.equal(zeroFields.status, 201, zeroFields.body);
    await request(sock, 'DELETE', `/containers/${JSON.parse(zeroFields.body).Id}`);
    const badFilter = await request(sock, 'GET', `/containers/json?filters=${encodeURIComponent('{"colour":["red"]}')}`);
    assert.equal(badFilter.status, 400);
    assert.match(JSON.parse(badFilter.body).message, /invalid filter 'colour'/);
    const changes = await request(sock, 'GET', '/v1.50/containers/whatever/changes');
    assert.equal(changes.status, 501);
    const badRef = await request(sock, 'POST', '/images/create?fromImage=bad%20name&tag=x');
    assert.equal(badRef.status, 400, 'a bad reference is refused before the progress stream starts');
    assert.match(JSON.parse(badRef.body).message, /invalid reference/);
    const pushMissing = await docker(['push', `${env.registry.host}/not/local:1`]);
    assert.equal(pushMissing.code, 1);
    assert.match(pushMissing.stderr, /An image does not exist locally with the tag/);
    assert.doesNotMatch(pushMissing.stderr, /forgeone/, 'hints naming the forgeone CLI are not shown to docker users');
    // Networking input the daemon must refuse (status and Docker's message).
    const refused: Array<[string, string, unknown, number, RegExp]> = [
      ['POST', '/networks/create', { Name: 'badsub', IPAM: { Config: [{ Subnet: '10.0.0.0/33' }] } }, 400, /subnet|prefix/i],
      ['POST', '/networks/create', { Name: 'bad name!' }, 400, /invalid network name/],
      ['POST', '/networks/create', { Name: 'gw', IPAM: { Config: [{ Subnet: '10.85.9.0/24', Gateway: '10.85.10.1' }] } }, 400, /not a usable address/],
      ['POST', '/networks/create', { Name: 'v6', EnableIPv6: true }, 501, /IPv6/],
      ['POST', '/networks/create', { Name: 'bridge' }, 409, /already exists/],
      ['POST', '/networks/host/connect', { Container: 'x' }, 403, /pre-defined network/],
      ['POST', '/networks/nosuch/connect', { Container: 'x' }, 404, /network nosuch not found/],
      ['POST', '/networks/bridge/connect', {}, 400, /Container is required/],
      ['DELETE', '/networks/bridge', undefined, 403, /pre-defined network/],
      ['GET', `/networks?filters=${encodeURIComponent('{"type":["weird"]}')}`, undefined, 400, /invalid filter/],
      ['POST', '/containers/create', { Image: ref, HostConfig: { PortBindings: { '80/tcp': [{ HostPort: 'abc' }] } } }, 400, /not a port number/],
      ['POST', '/containers/create', { Image: ref, HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '::1', HostPort: '8080' }] } } }, 400, /HostIp "::1" is not an IPv4 address/],
      ['POST', '/containers/create', { Image: ref, HostConfig: { Dns: ['not-an-ip'] } }, 400, /IPv4/],
      ['POST', '/containers/create', { Image: ref, HostConfig: { NetworkMode: 'bridge' }, NetworkingConfig: { EndpointsConfig: { bridge: { Aliases: ['x'] } } } }, 400, /user-defined networks/],
    ];
    for (const [method, url, body, status, message] of refused) {
      const r = await request(sock, method, url, body);
      assert.equal(r.status, status, `${method} ${url}: ${r.body}`);
      assert.match(JSON.parse(r.body).message, message, `${method} ${url}`);
    }
    const noImage = await request(sock, 'POST', '/containers/create', { Image: 'no/such:image' });
    assert.equal(noImage.status, 404);
    assert.match(JSON.parse(noImage.body).message, /No such image: no\/such:image/);
  });
});
