/**
 * buildRuntimeSpec: the mapping from a container config and its image to an OCI runtime spec,
 * checked table by table against Docker's behaviour, without root.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseContainerConfig, type ContainerConfigInput } from '../../../src/config/container-config';
import type { ImageConfig } from '../../../src/config/oci-image';
import { isForgeError } from '../../../src/errors';
import { buildRuntimeSpec, type BuildSpecInput } from '../../../src/runtime/spec/build-spec';
import { resolveCommand } from '../../../src/runtime/spec/command';
import { buildEnv, DEFAULT_PATH } from '../../../src/runtime/spec/env';
import { resolveUser } from '../../../src/runtime/spec/user';

const ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9';
const IMAGE: ImageConfig = {
  architecture: 'amd64',
  os: 'linux',
  config: { Env: ['PATH=/usr/bin:/bin', 'LANG=C.UTF-8'], Cmd: ['sh'] },
  rootfs: { type: 'layers', diff_ids: [] },
};

function spec(config: Partial<ContainerConfigInput> = {}, more: Partial<BuildSpecInput> = {}, image: ImageConfig = IMAGE) {
  return buildRuntimeSpec({
    id: ID,
    config: parseContainerConfig({ image: 'busybox', ...config }),
    image,
    rootfs: '/var/lib/forgeone/containers/x/rootfs',
    hostsFiles: { hosts: '/c/hosts', hostname: '/c/hostname', resolvConf: '/c/resolv.conf' },
    limits: { nofileHard: 20000 },
    securityEnv: { arch: 'x64', kernelRelease: '6.1.0' },
    ...more,
  });
}

const invalid = (err: unknown): boolean => isForgeError(err, 'InvalidArgument');

// [image Entrypoint, image Cmd, user entrypoint, user cmd, expected argv or 'error']
const commands: Array<[string[] | null, string[] | null, string[] | undefined, string[] | undefined, string[] | 'error']> = [
  [null, ['sh'], undefined, undefined, ['sh']],
  [null, ['sh'], undefined, ['echo', 'hi'], ['echo', 'hi']],
  [['/entry'], ['default'], undefined, undefined, ['/entry', 'default']],
  [['/entry'], ['default'], undefined, ['arg'], ['/entry', 'arg']],
  [['/entry'], ['default'], ['/other'], undefined, ['/other']],
  [['/entry'], ['default'], ['/other'], ['x'], ['/other', 'x']],
  [['/entry'], ['default'], [], ['ls'], ['ls']],
  [['/entry'], ['default'], [''], ['ls'], ['ls']],
  [['/entry'], ['default'], [], undefined, 'error'],
  [null, ['sh'], undefined, [], ['sh']],
  [null, null, undefined, undefined, 'error'],
  [[], [], undefined, [], 'error'],
];
for (const [iep, icmd, uep, ucmd, expected] of commands) {
  test(`command: image ${JSON.stringify([iep, icmd])} + user ${JSON.stringify([uep, ucmd])}`, () => {
    const run = () => resolveCommand({ entrypoint: uep, cmd: ucmd }, { config: { Entrypoint: iep, Cmd: icmd } });
    if (expected === 'error') assert.throws(run, invalid);
    else assert.deepEqual(run(), expected);
  });
}

test('env: defaults, image overlaid by user in place, TERM with a TTY', () => {
  assert.deepEqual(buildEnv({ hostname: 'h', tty: false }), [`PATH=${DEFAULT_PATH}`, 'HOSTNAME=h']);
  assert.deepEqual(buildEnv({ imageEnv: ['PATH=/bin', 'A=1', 'B=2'], userEnv: ['B=3', 'C=', 'HOSTNAME=mine'], hostname: 'h', tty: true }), [
    'PATH=/bin', 'HOSTNAME=mine', 'TERM=xterm', 'A=1', 'B=3', 'C=',
  ]);
  assert.deepEqual(buildEnv({ imageEnv: ['X=a=b'], userEnv: ['TERM=vt100'], hostname: 'h', tty: true }), [
    `PATH=${DEFAULT_PATH}`, 'HOSTNAME=h', 'TERM=vt100', 'X=a=b',
  ]);
  assert.deepEqual(spec({ env: ['LANG=fr'] }).process.env, ['PATH=/usr/bin:/bin', `HOSTNAME=${ID.slice(0, 12)}`, 'LANG=fr']);
});

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n# comment\nbroken\nnobody:x:65534:65534:nobody:/:/bin/false\n';
const GROUP = 'root:x:0:\napp:x:1000:\nwheel:x:10:app,other\naudio:x:29:app\nstaff:x:50:\n';
const users: Array<[string | undefined, { uid: number; gid: number; additionalGids?: number[] } | 'error']> = [
  [undefined, { uid: 0, gid: 0 }],
  ['', { uid: 0, gid: 0 }],
  ['0', { uid: 0, gid: 0 }],
  ['1000', { uid: 1000, gid: 1000, additionalGids: [10, 29] }],
  ['4242', { uid: 4242, gid: 0 }],
  ['4242:4243', { uid: 4242, gid: 4243 }],
  ['app', { uid: 1000, gid: 1000, additionalGids: [10, 29] }],
  ['app:staff', { uid: 1000, gid: 50 }],
  ['app:77', { uid: 1000, gid: 77 }],
  ['nobody', { uid: 65534, gid: 65534 }],
  ['1000:wheel', { uid: 1000, gid: 10 }],
  ['ghost', 'error'],
  ['app:ghosts', 'error'],
  [':10', 'error'],
  ['app:', 'error'],
  ['99999999999', 'error'],
];
for (const [u, expected] of users) {
  test(`user: ${JSON.stringify(u)}`, () => {
    const run = () => resolveUser(u, { passwd: PASSWD, group: GROUP });
    if (expected === 'error') assert.throws(run, invalid);
    else assert.deepEqual(run(), expected);
  });
}

test('user: an unknown name is named in the error; the image User applies when -u is absent', () => {
  assert.throws(() => spec({ user: 'ghost' }, { passwd: PASSWD }), (err: unknown) => invalid(err) && (err as Error).message.includes('ghost'));
  assert.throws(() => spec({ user: 'app' }), invalid); // no passwd file at all
  const img = { ...IMAGE, config: { ...IMAGE.config, User: 'app' } };
  assert.deepEqual(spec({}, { passwd: PASSWD, group: GROUP }, img).process.user, { uid: 1000, gid: 1000, additionalGids: [10, 29] });
  assert.deepEqual(spec({ user: '0' }, { passwd: PASSWD }, img).process.user, { uid: 0, gid: 0 });
});

test('defaults: hostname, cwd, namespaces, cgroups, annotations, security', () => {
  const s = spec();
  assert.equal(s.hostname, ID.slice(0, 12));
  assert.equal(s.process.cwd, '/');
  assert.equal(s.process.terminal, false);
  assert.equal(s.process.noNewPrivileges, true);
  assert.equal(s.process.oomScoreAdj, 0);
  assert.equal(s.root.readonly, false);
  assert.deepEqual(s.linux?.namespaces.map((n) => n.type), ['pid', 'ipc', 'uts', 'mount', 'network', 'cgroup']);
  assert.equal(s.linux?.cgroupsPath, `/forgeone/${ID}`);
  assert.equal(s.annotations?.['io.forgeone.container.id'], ID);
  assert.equal(s.linux?.seccomp?.defaultAction, 'SCMP_ACT_ERRNO');
  assert.equal(s.process.capabilities?.bounding?.length, 14);
  assert.ok(s.linux?.maskedPaths?.includes('/proc/kcore'));
  assert.ok(s.linux?.readonlyPaths?.includes('/proc/sys'));
  assert.deepEqual(s.linux?.resources?.pids, { limit: 2048 });
  assert.equal(s.linux?.resources?.memory, undefined);
  assert.equal(s.linux?.resources?.devices?.[0]?.allow, false);
});

test('options: hostname, workdir, tty, name, cgroup parent, network namespace path', () => {
  const s = spec({ hostname: 'web', workingDir: '/srv', tty: true, name: 'web1' }, { cgroupParent: '/tenants/a/', namespaces: { network: '/run/netns/x' } });
  assert.equal(s.hostname, 'web');
  assert.equal(s.process.cwd, '/srv');
  assert.equal(s.process.terminal, true);
  assert.ok(s.process.env.includes('TERM=xterm') && s.process.env.includes('HOSTNAME=web'));
  assert.equal(s.annotations?.['io.forgeone.container.name'], 'web1');
  assert.equal(s.linux?.cgroupsPath, `/tenants/a/${ID}`);
  assert.deepEqual(s.linux?.namespaces.find((n) => n.type === 'network'), { type: 'network', path: '/run/netns/x' });
  assert.equal(spec({}, {}, { ...IMAGE, config: { ...IMAGE.config, WorkingDir: '/app' } }).process.cwd, '/app');
  assert.throws(() => spec({ workingDir: 'relative' }), invalid);
  assert.throws(() => spec({}, { cgroupParent: '../escape' }), invalid);
  assert.throws(() => spec({ networkMode: 'container:other' }), (err: unknown) => isForgeError(err, 'NotImplemented'));
  // --network host (issue 7): no network namespace of its own, and the host's sysctls are never set.
  const host = spec({ networkMode: 'host' });
  assert.equal(host.linux?.namespaces.find((n) => n.type === 'network'), undefined);
  assert.equal(host.linux?.sysctl, undefined);
});

test('resources: memory without swap, cpus 0.5 → 50000/100000, pids', () => {
  const r = spec({ resources: { memory: 256 * 1024 * 1024, cpus: 0.5, pidsLimit: 100 } }).linux?.resources;
  assert.deepEqual(r?.memory, { limit: 268435456, swap: 268435456 });
  assert.deepEqual(r?.cpu, { quota: 50000, period: 100000 });
  assert.deepEqual(r?.pids, { limit: 100 });
  assert.deepEqual(spec({ resources: { cpus: 2 } }).linux?.resources?.cpu, { quota: 200000, period: 100000 });
  assert.equal(spec({ resources: { pidsLimit: -1 } }).linux?.resources?.pids, undefined);
  assert.equal(spec({ resources: { pidsLimit: 0 } }).linux?.resources?.pids, undefined);
  assert.throws(() => spec({ resources: { cpus: 0.001 } }), invalid);
});

test('mounts: defaults, /etc files, bind ro, volume, tmpfs, user mount replacing a default, ordering', () => {
  const s = spec(
    {
      mounts: [
        { type: 'bind', source: '/host/data', target: '/data/', readonly: true },
        { type: 'tmpfs', target: '/data/cache', options: ['size=10m', 'exec'] },
        { type: 'volume', source: 'vol1', target: '/var/lib/db' },
        { type: 'tmpfs', target: '/dev/shm', options: ['size=1g'] },
      ],
    },
    { volumeSources: { '/var/lib/db': '/var/lib/forgeone/volumes/vol1/_data' } },
  );
  const by = new Map(s.mounts.map((m) => [m.destination, m]));
  for (const d of ['/proc', '/dev', '/dev/pts', '/dev/mqueue', '/sys', '/sys/fs/cgroup', '/etc/hosts', '/etc/hostname', '/etc/resolv.conf']) assert.ok(by.has(d), d);
  assert.equal(by.get('/etc/resolv.conf')?.source, '/c/resolv.conf');
  assert.deepEqual(by.get('/data'), { destination: '/data', type: 'bind', source: '/host/data', options: ['rbind', 'rprivate', 'nosuid', 'nodev', 'ro'] });
  assert.deepEqual(by.get('/data/cache')?.options, ['rw', 'nosuid', 'nodev', 'size=10m', 'exec']);
  assert.equal(by.get('/var/lib/db')?.source, '/var/lib/forgeone/volumes/vol1/_data');
  assert.ok(!by.get('/var/lib/db')?.options?.includes('ro'));
  assert.deepEqual(by.get('/dev/shm')?.options, ['rw', 'nosuid', 'nodev', 'noexec', 'size=1g']);
  assert.equal(s.mounts.filter((m) => m.destination === '/dev/shm').length, 1);
  const order = s.mounts.map((m) => m.destination);
  assert.ok(order.indexOf('/data') < order.indexOf('/data/cache'));
  assert.ok(order.indexOf('/proc') < order.indexOf('/data'));
});

test('mounts: refused when relative, duplicated, over / or with bad tmpfs options', () => {
  const bad: ContainerConfigInput['mounts'][] = [
    [{ type: 'bind', source: 'relative', target: '/x' }],
    [{ type: 'bind', source: '/a', target: 'x' }],
    [{ type: 'bind', source: '/a', target: '/x/../../etc' }],
    [{ type: 'bind', source: '/a', target: '/' }],
    [{ type: 'bind', source: '/a', target: '/x' }, { type: 'tmpfs', target: '/x/' }],
    [{ type: 'tmpfs', target: '/t', options: ['size=10m,bogus'] }],
  ];
  for (const mounts of bad) assert.throws(() => spec({ mounts }), invalid, JSON.stringify(mounts));
});

test('image volumes are mounted when the caller resolved them', () => {
  const img = { ...IMAGE, config: { ...IMAGE.config, Volumes: { '/var/lib/data': {}, '/unresolved': {} } } };
  const s = spec({}, { volumeSources: { '/var/lib/data': '/vols/anon1' } }, img);
  assert.equal(s.mounts.find((m) => m.destination === '/var/lib/data')?.source, '/vols/anon1');
  assert.ok(!s.mounts.some((m) => m.destination === '/unresolved'));
});

test('read-only rootfs', () => {
  assert.equal(spec({ readOnlyRootfs: true }).root.readonly, true);
});

test('rlimits: NOFILE clamped to the daemon\'s hard limit', () => {
  assert.deepEqual(spec().process.rlimits, [{ type: 'RLIMIT_NOFILE', soft: 20000, hard: 20000 }]);
  assert.deepEqual(spec({}, { limits: { nofileHard: Infinity } }).process.rlimits, [{ type: 'RLIMIT_NOFILE', soft: 1048576, hard: 1048576 }]);
});

test('init: argv wrapped, binary bind-mounted read-only; missing init path refused', () => {
  const s = spec({ init: true, cmd: ['sleep', '1'] }, { initPath: '/usr/bin/catatonit' });
  assert.deepEqual(s.process.args, ['/dev/init', '--', 'sleep', '1']);
  const m = s.mounts.find((x) => x.destination === '/dev/init');
  assert.equal(m?.source, '/usr/bin/catatonit');
  assert.ok(m?.options?.includes('ro'));
  assert.ok(!spec({}, { initPath: '/usr/bin/catatonit' }).mounts.some((x) => x.destination === '/dev/init'));
  assert.throws(() => spec({ init: true }), (err: unknown) => isForgeError(err, 'FailedPrecondition'));
});

test('security options: caps, nnp off, seccomp unconfined, from a file, and a bad file', () => {
  const s = spec({ capAdd: ['NET_ADMIN'], capDrop: ['MKNOD'], securityOpt: ['no-new-privileges=false', 'seccomp=unconfined'] });
  assert.ok(s.process.capabilities?.effective?.includes('CAP_NET_ADMIN'));
  assert.ok(!s.process.capabilities?.effective?.includes('CAP_MKNOD'));
  assert.equal(s.process.noNewPrivileges, false);
  assert.equal(s.linux?.seccomp, undefined);

  const files: Record<string, string> = { '/p.json': '{"defaultAction":"SCMP_ACT_LOG","syscalls":[]}', '/bad.json': '{' };
  const readFile = (p: string): string => {
    if (!(p in files)) throw Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    return files[p]!;
  };
  const env = { readFile, arch: 'x64', kernelRelease: '6.1.0' };
  assert.equal(spec({ securityOpt: ['seccomp=/p.json'] }, { securityEnv: env }).linux?.seccomp?.defaultAction, 'SCMP_ACT_LOG');
  assert.throws(() => spec({ securityOpt: ['seccomp=/bad.json'] }, { securityEnv: env }), invalid);
  assert.throws(() => spec({ securityOpt: ['seccomp=/missing.json'] }, { securityEnv: env }), (err: unknown) => invalid(err) && (err as Error).message.includes('/missing.json'));
  assert.throws(() => spec({ capAdd: ['SUPERPOWER'] }), invalid);
  assert.throws(() => spec({ securityOpt: ['apparmor=docker-default'] }), invalid);
});

test('the spec is plain JSON', () => {
  const s = spec({ init: true }, { initPath: '/usr/bin/catatonit', passwd: PASSWD });
  assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
});
