/**
 * Docker SDKs against the ForgeOne socket: dockerode (pull with progress events, create,
 * attach with stdin over a hijacked connection and plain, start, wait, exec, list, remove) and
 * testcontainers (GenericContainer started from the local registry's busybox, logs read).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, type Duplex } from 'node:stream';
import Docker from 'dockerode';
import { startBusyboxDaemon, type BusyboxDaemon } from '../fixtures/busybox-daemon';
import { mountsUnder, processesMentioning } from '../fixtures/host-state';
import { httpGet } from '../fixtures/http-get';


function collect(stream: PassThrough): () => string {
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return () => text;
}

describe('Docker SDKs against the ForgeOne socket', () => {
  let env: BusyboxDaemon;
  let docker: Docker;

  before(async () => {
    env = await startBusyboxDaemon();
    docker = new Docker({ socketPath: env.daemon.socket });
  });
  after(async () => {
    const root = env.daemon.root;
    await env.teardown();
    assert.deepEqual(mountsUnder(root), [], 'no mounts left under the data root');
    assert.deepEqual(processesMentioning(root), [], 'no conmon or container process left');
  });

  it('dockerode: ping, version, info', async () => {
    assert.equal(String(await docker.ping()), 'OK');
    const version = await docker.version();
    assert.equal(version.ApiVersion, '1.50');
    const info = (await docker.info()) as { OSType: string; NCPU: number };
    assert.equal(info.OSType, 'linux');
    assert.ok(info.NCPU >= 1);
  });

  it('dockerode: pull reports progress events and records the image', async () => {
    const copy = `${env.registry.host}/sdk/pulled:v1`;
    assert.equal((await env.daemon.cli(['tag', env.ref, copy])).code, 0);
    assert.equal((await env.daemon.cli(['push', '-q', copy])).code, 0);
    assert.equal((await env.daemon.cli(['rmi', copy])).code, 0);
    const stream = await docker.pull(copy);
    const events: Array<{ status?: string; error?: string }> = [];
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve()), (e: { status?: string }) => events.push(e)),
    );
    const statuses = events.map((e) => e.status ?? '');
    assert.ok(statuses.some((s) => /Pulling from sdk\/pulled/.test(s)), statuses.join('\n'));
    assert.ok(statuses.some((s) => /^Digest: sha256:/.test(s)));
    assert.ok(statuses.some((s) => /^Status: (Downloaded newer image|Image is up to date) for/.test(s)));
    const image = await docker.getImage(copy).inspect();
    assert.ok(image.RepoTags.includes(copy));

    // dockerode hands an in-stream failure to onProgress as an event with `error`.
    const failed = await docker.pull(`${env.registry.host}/sdk/missing:v1`);
    const failedEvents: Array<{ error?: string; errorDetail?: { message: string } }> = [];
    await new Promise<void>((resolve) => docker.modem.followProgress(failed, () => resolve(), (e: { error?: string }) => failedEvents.push(e)));
    const last = failedEvents[failedEvents.length - 1];
    assert.match(last?.error ?? '', /not found|unknown/i);
    assert.equal(last?.errorDetail?.message, last?.error);
    await docker.getImage(copy).remove();
  });

  it('dockerode: create, attach (hijacked, stdin), start, wait, remove', async () => {
    const container = await docker.createContainer({
      Image: env.ref,
      Cmd: ['sh', '-c', 'read line; echo "got $line"; echo oops >&2; exit 4'],
      OpenStdin: true,
      StdinOnce: true,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Labels: { sdk: 'dockerode' },
    });
    const stream = (await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as unknown as Duplex;
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out = collect(stdout);
    const err = collect(stderr);
    docker.modem.demuxStream(stream, stdout, stderr);
    const ended = new Promise((resolve) => stream.on('end', resolve));
    await container.start();
    stream.write('hello\n');
    stream.end();
    const result = (await container.wait()) as { StatusCode: number };
    await ended;
    assert.equal(result.StatusCode, 4);
    assert.equal(out(), 'got hello\n');
    assert.equal(err(), 'oops\n');
    const listed = await docker.listContainers({ all: true, filters: { label: ['sdk=dockerode'] } });
    assert.deepEqual(listed.map((c) => c.Id), [container.id]);
    assert.equal(listed[0]!.State, 'exited');
    const inspect = await container.inspect();
    assert.equal(inspect.State.ExitCode, 4);
    await container.remove();
    await assert.rejects(container.inspect(), (e: { statusCode?: number }) => e.statusCode === 404);
  });

  it('dockerode: plain attach, exec with output and exit code', async () => {
    const container = await docker.createContainer({ Image: env.ref, Cmd: ['sh', '-c', 'echo first; sleep 300'] });
    const stream = (await container.attach({ stream: true, stdout: true, stderr: true })) as NodeJS.ReadableStream;
    const stdout = new PassThrough();
    const out = collect(stdout);
    docker.modem.demuxStream(stream, stdout, new PassThrough());
    await container.start();
    for (let i = 0; i < 50 && !out().includes('first'); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(out(), 'first\n');

    const exec = await container.exec({ Cmd: ['sh', '-c', 'echo exec-out; exit 6'], AttachStdout: true, AttachStderr: true });
    const execStream = await exec.start({ hijack: true, stdin: false });
    const execOut = new PassThrough();
    const execText = collect(execOut);
    docker.modem.demuxStream(execStream, execOut, new PassThrough());
    await new Promise((resolve) => execStream.on('end', resolve));
    assert.equal(execText(), 'exec-out\n');
    const execInfo = await exec.inspect();
    assert.equal(execInfo.ExitCode, 6);
    assert.equal(execInfo.Running, false);

    await container.stop({ t: 0 });
    await container.remove({ v: true });
  });

  it('dockerode: create with PortBindings, the port answers, inspect and list show it; a network round trip', async () => {
    const container = await docker.createContainer({
      Image: env.ref,
      Cmd: ['sh', '-c', 'echo sdk-web > /tmp/index.html; exec httpd -f -p 80 -h /tmp'],
      ExposedPorts: { '80/tcp': {} },
      HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
    });
    const network = await docker.createNetwork({ Name: `sdk-net-${process.pid}`, Labels: { suite: 'sdk' } });
    try {
      await container.start();
      const settings = (await container.inspect()).NetworkSettings;
      const binding = settings.Ports['80/tcp']![0]!;
      assert.equal(binding.HostIp, '127.0.0.1');
      const port = Number(binding.HostPort);
      assert.ok(port > 0, 'an empty HostPort gets a free port');
      assert.match(settings.Networks.bridge!.IPAddress, /^172\.29\./);
      let body = '';
      for (let i = 0; i < 30 && !body.includes('sdk-web'); i++) body = await httpGet(port).catch(() => new Promise<string>((r) => setTimeout(() => r(''), 100)));
      assert.match(body, /sdk-web/);
      const listed = await docker.listContainers({ filters: { id: [container.id] } });
      assert.deepEqual(listed[0]!.Ports, [{ IP: '127.0.0.1', PrivatePort: 80, PublicPort: port, Type: 'tcp' }]);
      await network.connect({ Container: container.id, EndpointConfig: { Aliases: ['sdk-alias'] } });
      const info = (await network.inspect()) as { Containers: Record<string, { IPv4Address: string }>; Labels: Record<string, string> };
      assert.deepEqual(Object.keys(info.Containers), [container.id]);
      assert.equal(info.Labels.suite, 'sdk');
      assert.deepEqual((await container.inspect()).NetworkSettings.Networks[`sdk-net-${process.pid}`]!.Aliases!.slice(0, 1), ['sdk-alias']);
      await network.disconnect({ Container: container.id });
    } finally {
      await container.remove({ force: true });
      await network.remove().catch(() => undefined);
    }
    await assert.rejects(network.inspect(), (e: { statusCode?: number }) => e.statusCode === 404);
  });

  it('testcontainers: an exposed port is published and reached through getMappedPort', async () => {
    process.env.DOCKER_HOST = `unix://${env.daemon.socket}`;
    process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
    process.env.DOCKER_CONFIG = `${env.daemon.dir}/docker-client`;
    process.env.TESTCONTAINERS_HOST_OVERRIDE = '127.0.0.1';
    const { GenericContainer } = await import('testcontainers');
    const started = await new GenericContainer(env.ref)
      .withCommand(['sh', '-c', 'echo tc-web > /tmp/index.html; exec httpd -f -p 80 -h /tmp'])
      .withExposedPorts(80)
      .withLabels({ suite: 'testcontainers-ports' })
      .withStartupTimeout(30_000)
      .start();
    try {
      assert.equal(started.getHost(), '127.0.0.1');
      const port = started.getMappedPort(80);
      assert.ok(port > 0);
      assert.match(await httpGet(port), /tc-web/);
    } finally {
      await started.stop({ timeout: 1000 });
    }
  });

  it('testcontainers: GenericContainer starts from the local registry and its logs are read', async () => {
    process.env.DOCKER_HOST = `unix://${env.daemon.socket}`;
    process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
    process.env.DOCKER_CONFIG = `${env.daemon.dir}/docker-client`;
    // The test hosts are containers (/.dockerenv): testcontainers would then look for the Docker
    // bridge's gateway to reach published ports; ForgeOne publishes on the host's addresses.
    process.env.TESTCONTAINERS_HOST_OVERRIDE = '127.0.0.1';
    const { GenericContainer, Wait } = await import('testcontainers');
    const started = await new GenericContainer(env.ref)
      .withCommand(['sh', '-c', 'echo tc-ready; echo tc-err >&2; sleep 300'])
      .withLabels({ suite: 'testcontainers' })
      .withWaitStrategy(Wait.forLogMessage('tc-ready'))
      .withStartupTimeout(30_000)
      .start();
    try {
      const lines: string[] = [];
      const logs = await started.logs();
      await new Promise<void>((resolve) => {
        logs.on('data', (line: string) => {
          lines.push(line.trim());
          if (lines.includes('tc-ready') && lines.includes('tc-err')) resolve();
        });
      });
      assert.ok(lines.includes('tc-ready'));
      const exec = await started.exec(['sh', '-c', 'echo from-exec; exit 2']);
      assert.equal(exec.exitCode, 2);
      assert.equal(exec.output.trim(), 'from-exec');
    } finally {
      await started.stop({ timeout: 1000 });
    }
    const left = await docker.listContainers({ all: true, filters: { label: ['suite=testcontainers'] } });
    assert.deepEqual(left, [], 'stop removes the container');
  });
});
