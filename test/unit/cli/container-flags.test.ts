import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toContainerConfig, parseRestart, parsePullPolicy, normalizeSecurityOpt, type CreateFlags, type FlagIo } from '../../../src/cli/commands/containers/flags';
import { parseVolume, parseTmpfs } from '../../../src/cli/commands/containers/mounts';
import { parseEnvFile, parseEnvEntry, parseLabels } from '../../../src/cli/commands/containers/env';
import { parseCpus, parseDuration, parseMemory, parseSize, parseTimestamp } from '../../../src/cli/commands/containers/units';
import { ForgeError } from '../../../src/errors';

const invalid = (fn: () => unknown) => assert.throws(fn, (e: unknown) => e instanceof ForgeError && e.code === 'InvalidArgument');

const io = (files: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}): FlagIo => ({
  env,
  cwd: '/work',
  readFile: (f) => {
    if (!(f in files)) throw Object.assign(new Error(`ENOENT: ${f}`), { code: 'ENOENT' });
    return files[f]!;
  },
});
const config = (flags: CreateFlags, command: string[] = [], files?: Record<string, string>, env?: NodeJS.ProcessEnv) =>
  toContainerConfig('busybox', command, flags, io(files, env));

describe('memory and size units', () => {
  it('reads b, k, m, g (binary), with optional b/ib suffix and fractions', () => {
    assert.equal(parseSize('1024', 'x'), 1024);
    assert.equal(parseSize('100b', 'x'), 100);
    assert.equal(parseSize('512k', 'x'), 512 * 1024);
    assert.equal(parseMemory('64m'), 64 * 1024 ** 2);
    assert.equal(parseMemory('64MB'), 64 * 1024 ** 2);
    assert.equal(parseMemory('2GiB'), 2 * 1024 ** 3);
    assert.equal(parseMemory('1.5g'), 1.5 * 1024 ** 3);
  });
  it('refuses garbage and limits below 6MB; 0 means no limit', () => {
    invalid(() => parseMemory('abc'));
    invalid(() => parseMemory('64x'));
    invalid(() => parseMemory('-1m'));
    invalid(() => parseMemory('4m'));
    assert.equal(parseMemory('0'), undefined);
  });
  it('--memory abc fails the flags, before any request', () => {
    invalid(() => config({ memory: 'abc' }));
    assert.deepEqual(config({ memory: '64m' }).resources, { memory: 64 * 1024 ** 2 });
  });
});

describe('--cpus and --pids-limit', () => {
  it('takes fractions of CPUs', () => {
    assert.equal(parseCpus('0.5'), 0.5);
    assert.equal(parseCpus('2'), 2);
    assert.equal(parseCpus('.25'), 0.25);
    assert.equal(parseCpus('0'), undefined);
    for (const bad of ['abc', '-1', '1e3', '', '0.001']) invalid(() => parseCpus(bad));
  });
  it('passes pids limits, -1 for none', () => {
    assert.equal(config({ pidsLimit: '100' }).resources?.pidsLimit, 100);
    assert.equal(config({ pidsLimit: '-1' }).resources?.pidsLimit, -1);
    invalid(() => config({ pidsLimit: 'lots' }));
    invalid(() => config({ pidsLimit: '-2' }));
  });
});

describe('--restart', () => {
  it('parses the four policies and a retry count for on-failure only', () => {
    assert.deepEqual(parseRestart('no'), { name: 'no', maximumRetryCount: 0 });
    assert.deepEqual(parseRestart('always'), { name: 'always', maximumRetryCount: 0 });
    assert.deepEqual(parseRestart('unless-stopped'), { name: 'unless-stopped', maximumRetryCount: 0 });
    assert.deepEqual(parseRestart('on-failure'), { name: 'on-failure', maximumRetryCount: 0 });
    assert.deepEqual(parseRestart('on-failure:5'), { name: 'on-failure', maximumRetryCount: 5 });
    for (const bad of ['sometimes', 'always:3', 'on-failure:x', 'on-failure:-1', 'on-failure:1:2', '']) invalid(() => parseRestart(bad));
  });
  it('conflicts with --rm unless it is no', () => {
    invalid(() => config({ rm: true, restart: 'always' }));
    assert.equal(config({ rm: true, restart: 'no' }).autoRemove, true);
  });
});

describe('-v', () => {
  it('binds absolute host paths, read-only with :ro', () => {
    assert.deepEqual(parseVolume('/srv/data:/data'), { type: 'bind', source: '/srv/data', target: '/data', readonly: false });
    assert.deepEqual(parseVolume('/srv/data/:/data/:ro'), { type: 'bind', source: '/srv/data', target: '/data', readonly: true });
    assert.deepEqual(parseVolume('/a:/b:rw,z'), { type: 'bind', source: '/a', target: '/b', readonly: false });
  });
  it('mounts named volumes', () => {
    assert.deepEqual(parseVolume('cache:/var/cache'), { type: 'volume', source: 'cache', target: '/var/cache', readonly: false });
    assert.deepEqual(parseVolume('my_vol-1.x:/v:ro'), { type: 'volume', source: 'my_vol-1.x', target: '/v', readonly: true });
  });
  it('refuses relative host paths, bad names, relative targets, unknown options, anonymous volumes', () => {
    for (const bad of ['./x:/y', 'x/y:/y', 'a:/y', '/x:y', '/x:/y:rx', '/x:/y:ro,rw', '/data', '/a:/b:ro:extra', ':/y']) invalid(() => parseVolume(bad));
    assert.throws(() => parseVolume('./x:/y'), (e: ForgeError) => /absolute path/.test(e.hint ?? ''));
  });
  it('refuses two mounts on one target', () => {
    invalid(() => config({ volume: ['/a:/data', 'v1:/data'] }));
    invalid(() => config({ volume: ['/a:/run'], tmpfs: ['/run'] }));
  });
});

describe('--tmpfs', () => {
  it('takes a path and options', () => {
    assert.deepEqual(parseTmpfs('/run'), { type: 'tmpfs', target: '/run', options: [] });
    assert.deepEqual(parseTmpfs('/run:rw,size=64m,mode=1777'), { type: 'tmpfs', target: '/run', options: ['rw', 'size=64m', 'mode=1777'] });
    invalid(() => parseTmpfs('run'));
  });
});

describe('-e and --env-file', () => {
  it('reads KEY=VALUE literally and bare KEYs from the environment', () => {
    const env = { HOME: '/root' };
    assert.equal(parseEnvEntry('A="quoted value"', env), 'A="quoted value"');
    assert.equal(parseEnvEntry('HOME', env), 'HOME=/root');
    assert.equal(parseEnvEntry('UNSET', env), undefined);
    assert.equal(parseEnvEntry('EMPTY=', env), 'EMPTY=');
    invalid(() => parseEnvEntry('=x', env));
    invalid(() => parseEnvEntry('A B=1', env));
  });
  it('skips comments and blank lines; CRLF and BOM are fine', () => {
    const text = '\uFEFF# comment\r\nA=1\r\n\r\n  B=two words \r\n  # indented comment\nUSER\nMISSING\nC=x=y\n';
    assert.deepEqual(parseEnvFile(text, { USER: 'me' }), ['A=1', 'B=two words ', 'USER=me', 'C=x=y']);
    invalid(() => parseEnvFile('BAD KEY=1\n', {}));
  });
  it('puts env files first so -e overrides; files are read relative to the cwd', () => {
    const c = config({ envFile: ['vars.env'], env: ['A=2', 'HOME'] }, [], { '/work/vars.env': 'A=1\n' }, { HOME: '/h' });
    assert.deepEqual(c.env, ['A=1', 'A=2', 'HOME=/h']);
    invalid(() => config({ envFile: ['missing.env'] }));
  });
  it('labels: k=v, bare k, later wins', () => {
    assert.deepEqual(parseLabels(['a=1', 'b', 'a=2', 'c=x=y']), { a: '2', b: '', c: 'x=y' });
    invalid(() => parseLabels(['=v']));
  });
});

describe('the rest of the config', () => {
  it('passes --security-opt through, making a relative seccomp profile absolute', () => {
    assert.equal(normalizeSecurityOpt('no-new-privileges', '/w'), 'no-new-privileges');
    assert.equal(normalizeSecurityOpt('seccomp=unconfined', '/w'), 'seccomp=unconfined');
    assert.equal(normalizeSecurityOpt('seccomp=/etc/p.json', '/w'), 'seccomp=/etc/p.json');
    assert.equal(normalizeSecurityOpt('seccomp=p.json', '/w'), 'seccomp=/w/p.json');
    assert.equal(normalizeSecurityOpt('label=disable', '/w'), 'label=disable');
    assert.deepEqual(config({ securityOpt: ['no-new-privileges:true', 'apparmor=x'] }).securityOpt, ['no-new-privileges:true', 'apparmor=x']);
  });
  it('maps every flag to its field', () => {
    const c = config(
      {
        name: 'web',
        rm: true,
        interactive: true,
        tty: true,
        workdir: '/app',
        user: '1000:1000',
        entrypoint: '/bin/sh',
        readOnly: true,
        hostname: 'h',
        cpus: '1.5',
        capAdd: ['net_admin'],
        capDrop: ['ALL'],
        label: ['k=v'],
        init: true,
        stopSignal: 'SIGINT',
        stopTimeout: '5',
        engine: 'wasm',
      },
      ['-c', 'echo hi'],
    );
    assert.deepEqual(c, {
      image: 'busybox',
      name: 'web',
      cmd: ['-c', 'echo hi'],
      entrypoint: ['/bin/sh'],
      env: [],
      workingDir: '/app',
      user: '1000:1000',
      tty: true,
      openStdin: true,
      stdinOnce: true,
      labels: { k: 'v' },
      hostname: 'h',
      mounts: [],
      readOnlyRootfs: true,
      resources: { cpus: 1.5 },
      capAdd: ['NET_ADMIN'],
      capDrop: ['ALL'],
      securityOpt: [],
      autoRemove: true,
      init: true,
      stopSignal: 'SIGINT',
      stopTimeout: 5,
      engine: 'wasm',
    });
  });
  it('leaves the image defaults alone when flags are absent; --entrypoint "" clears', () => {
    const c = config({});
    assert.equal(c.cmd, undefined);
    assert.equal(c.entrypoint, undefined);
    assert.equal(c.restartPolicy, undefined);
    assert.deepEqual(config({ entrypoint: '' }).entrypoint, []);
    assert.equal(config({ interactive: true, detach: true }).stdinOnce, undefined, '-d -i keeps stdin open for later attaches');
  });
  it('refuses a relative workdir, an unknown engine, a bad --pull, a bad --stop-timeout', () => {
    invalid(() => config({ workdir: 'app' }));
    invalid(() => config({ engine: 'docker' }));
    invalid(() => config({ pull: 'sometimes' }));
    invalid(() => config({ stopTimeout: '-1' }));
    assert.equal(parsePullPolicy(undefined), 'missing');
  });
});

describe('durations and --since', () => {
  it('reads Go durations', () => {
    assert.equal(parseDuration('10m'), 600_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('10'), undefined);
  });
  it('turns durations, unix seconds and dates into unix seconds', () => {
    const now = Date.parse('2024-01-02T03:04:05Z');
    assert.equal(parseTimestamp('10m', '--since', now), String((now - 600_000) / 1000));
    assert.equal(parseTimestamp('1700000000', '--since', now), '1700000000');
    assert.equal(parseTimestamp('1700000000.5', '--since', now), '1700000000.5');
    assert.equal(parseTimestamp('2024-01-02T03:04:05Z', '--since', now), String(now / 1000));
    invalid(() => parseTimestamp('yesterday', '--since', now));
  });
});
