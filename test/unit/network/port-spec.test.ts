import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exposedPorts, parsePortSpec, portKey, portsFromDockerBindings } from '../../../src/config/port-spec';
import { networkFlags } from '../../../src/cli/commands/containers/flags';
import { isForgeError } from '../../../src/errors';
import { psRow } from '../../../src/cli/commands/containers/ps-format';
import { portLines } from '../../../src/cli/commands/containers/port';

test('-p forms: CTR, HOST:CTR, IP:HOST:CTR, IP::CTR, /udp', () => {
  assert.deepEqual(parsePortSpec('80'), { containerPort: 80, protocol: 'tcp', hostPort: 0 });
  assert.deepEqual(parsePortSpec('8080:80'), { containerPort: 80, protocol: 'tcp', hostPort: 8080 });
  assert.deepEqual(parsePortSpec('127.0.0.1:8080:80'), { containerPort: 80, protocol: 'tcp', hostPort: 8080, hostIp: '127.0.0.1' });
  assert.deepEqual(parsePortSpec('127.0.0.1::80'), { containerPort: 80, protocol: 'tcp', hostPort: 0, hostIp: '127.0.0.1' });
  assert.deepEqual(parsePortSpec('5353:53/udp'), { containerPort: 53, protocol: 'udp', hostPort: 5353 });
  assert.deepEqual(parsePortSpec('53/UDP'), { containerPort: 53, protocol: 'udp', hostPort: 0 });
  // 0.0.0.0 is docker's "every address": the same as no address.
  assert.deepEqual(parsePortSpec('0.0.0.0:8080:80'), { containerPort: 80, protocol: 'tcp', hostPort: 8080 });
});

test('bad -p forms are InvalidArgument naming the spec', () => {
  for (const bad of ['', 'abc', '0', '70000', '8080:0', '99999:80', '80/sctp', '1.2.3:80:80', '300.1.1.1:80:80', '8000-8010:80', '[::1]:80:80', 'a:b:c:d', ':80', '80:']) {
    assert.throws(
      () => parsePortSpec(bad),
      (err: unknown) => isForgeError(err, 'InvalidArgument') && (err as Error).message.includes(`"${bad}"`),
      bad,
    );
  }
});

test('-P: EXPOSEd ports, tcp by default, odd keys skipped', () => {
  // (a bare numeric key comes first: JavaScript orders integer-like keys before others)
  assert.deepEqual(exposedPorts({ '80/tcp': {}, '53/udp': {}, '9000': {}, '1-2/tcp': {}, '7/sctp': {} }), [
    { containerPort: 9000, protocol: 'tcp', hostPort: 0 },
    { containerPort: 80, protocol: 'tcp', hostPort: 0 },
    { containerPort: 53, protocol: 'udp', hostPort: 0 },
  ]);
  assert.deepEqual(exposedPorts(undefined), []);
  assert.equal(portKey({ containerPort: 80, protocol: 'udp' }), '80/udp');
});

test('network flags of run/create: --network, -p, -P, --dns, --add-host, --network-alias', () => {
  assert.deepEqual(networkFlags({ network: 'net1', publish: ['8080:80'], publishAll: true, dns: ['1.1.1.1'], addHost: ['db:10.0.0.5'], networkAlias: ['web'] }), {
    networkMode: 'net1',
    ports: [{ containerPort: 80, protocol: 'tcp', hostPort: 8080 }],
    publishAll: true,
    dns: ['1.1.1.1'],
    extraHosts: ['db:10.0.0.5'],
    networkAliases: ['web'],
  });
  assert.deepEqual(networkFlags({}), {});
  for (const flags of [{ dns: ['not-an-ip'] }, { addHost: ['db'] }, { addHost: ['db:1.2.3'] }, { addHost: [':1.2.3.4'] }, { network: '' }]) {
    assert.throws(() => networkFlags(flags), (err: unknown) => isForgeError(err, 'InvalidArgument'), JSON.stringify(flags));
  }
});

test('ps shows published ports as docker does', () => {
  const row = psRow(
    {
      Id: 'a'.repeat(64), Names: ['/web'], Image: 'busybox', ImageID: 'sha256:x', Command: 'httpd', Created: 0, State: 'running', Status: 'Up', Labels: {}, Engine: 'native', Mounts: [],
      Ports: [{ IP: '127.0.0.1', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }, { IP: '0.0.0.0', PrivatePort: 53, PublicPort: 5353, Type: 'udp' }],
    },
    { truncate: true },
  );
  assert.equal(row.Ports, '127.0.0.1:8080->80/tcp, 0.0.0.0:5353->53/udp');
});

test("docker's PortBindings → port requests (for the Docker-compatible create)", () => {
  assert.deepEqual(portsFromDockerBindings({ '80/tcp': [{ HostIp: '', HostPort: '8080' }, { HostIp: '127.0.0.1', HostPort: '' }], '53/udp': null, '9000': [{}] }), [
    { containerPort: 9000, protocol: 'tcp', hostPort: 0 },
    { containerPort: 80, protocol: 'tcp', hostPort: 8080 },
    { containerPort: 80, protocol: 'tcp', hostPort: 0, hostIp: '127.0.0.1' },
  ]);
  assert.deepEqual(portsFromDockerBindings(undefined), []);
  assert.throws(() => portsFromDockerBindings({ '80/sctp': [] }), (err: unknown) => isForgeError(err, 'InvalidArgument'));
  assert.throws(() => portsFromDockerBindings({ '80/tcp': [{ HostPort: '99999' }] }), (err: unknown) => isForgeError(err, 'InvalidArgument'));
});

test('port: docker-style lines, one port filtered, NotFound for one not published', () => {
  const ports = { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }], '53/udp': [{ HostIp: '0.0.0.0', HostPort: '5353' }], '443/tcp': null };
  assert.deepEqual(portLines(ports), ['80/tcp -> 127.0.0.1:8080', '53/udp -> 0.0.0.0:5353']);
  assert.deepEqual(portLines(ports, '80'), ['127.0.0.1:8080']);
  assert.deepEqual(portLines(ports, '53/udp'), ['0.0.0.0:5353']);
  assert.throws(() => portLines(ports, '443'), (err: unknown) => isForgeError(err, 'NotFound'));
});
