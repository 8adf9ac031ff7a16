import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseDaemonConfig } from '../../../src/config/daemon-config';
import {
  isInsecureRegistry, isLoopbackHost, parseMirror, pushEndpoint, resolveEndpoints, splitHostPort, type EndpointFs,
} from '../../../src/registry/endpoints';
import { isForgeError } from '../../../src/errors';

/** An in-memory filesystem for CA lookups. */
function memFs(files: Record<string, string>): EndpointFs {
  return {
    readFile: (f) => files[f],
    readDir: (d) => Object.keys(files).filter((f) => f.startsWith(`${d}/`)).map((f) => f.slice(d.length + 1)).filter((n) => !n.includes('/')),
  };
}
const noFs = memFs({});

test('docker.io: registry-mirrors then mirrors["docker.io"] then registry-1.docker.io', () => {
  const config = parseDaemonConfig({
    'registry-mirrors': ['https://mirror.gcr.io', 'http://10.0.0.5:5000/'],
    mirrors: { 'docker.io': ['mirror.gcr.io', 'cache.local:443'] },
  });
  const eps = resolveEndpoints('docker.io', config, { fs: noFs });
  assert.deepEqual(
    eps.map((e) => [e.host, e.mirror, e.insecure, e.registry]),
    [
      ['mirror.gcr.io', true, false, 'docker.io'],
      ['10.0.0.5:5000', true, true, 'docker.io'], // http:// mirror → plain HTTP allowed
      ['cache.local:443', true, false, 'docker.io'],
      ['registry-1.docker.io', false, false, 'docker.io'],
    ],
  );
});

test('other hosts: only mirrors[host]; registry-mirrors are for docker.io only', () => {
  const config = parseDaemonConfig({ 'registry-mirrors': ['https://hubmirror'], mirrors: { 'quay.io': ['quaymirror:5000'] } });
  assert.deepEqual(resolveEndpoints('quay.io', config, { fs: noFs }).map((e) => [e.host, e.mirror]), [['quaymirror:5000', true], ['quay.io', false]]);
  assert.deepEqual(resolveEndpoints('ghcr.io', config, { fs: noFs }).map((e) => e.host), ['ghcr.io']);
  assert.deepEqual(pushEndpoint('docker.io', config, { fs: noFs }), { host: 'registry-1.docker.io', registry: 'docker.io', mirror: false, insecure: false });
});

test('a mirror equal to the registry host is not tried twice', () => {
  const config = parseDaemonConfig({ mirrors: { 'reg.local:5000': ['reg.local:5000', 'm:1'] } });
  assert.deepEqual(resolveEndpoints('reg.local:5000', config, { fs: noFs }).map((e) => [e.host, e.mirror]), [['reg.local:5000', true], ['m:1', true]]);
});

test('parseMirror refuses paths and unknown schemes', () => {
  assert.deepEqual(parseMirror('https://Mirror.Example/'), { host: 'mirror.example', plainHttp: false });
  assert.deepEqual(parseMirror('http://m:5000'), { host: 'm:5000', plainHttp: true });
  for (const bad of ['https://m/v2/proxy', 'ftp://m', '', 'https://']) {
    assert.throws(() => parseMirror(bad), (e) => isForgeError(e, 'InvalidArgument'), bad);
  }
});

test('insecure: exact host[:port], CIDR for IP literals, registries[host].insecure, loopback', () => {
  const config = parseDaemonConfig({
    'insecure-registries': ['myreg:5000', 'plainhost', '10.0.0.0/8', 'fd00::/8', 'http://schemed:1'],
    registries: { '127.0.0.1:6000': { insecure: false }, 'secure.example': { insecure: true } },
  });
  const table: Array<[string, boolean]> = [
    ['myreg:5000', true],
    ['myreg', false], // a port makes a different registry, as in Docker
    ['myreg:5001', false],
    ['plainhost', true],
    ['plainhost:5000', false],
    ['10.1.2.3:5000', true],
    ['10.1.2.3', true],
    ['11.1.2.3:5000', false],
    ['[fd00::1]:5000', true],
    ['[fe80::1]:5000', false],
    ['schemed:1', true],
    ['127.0.0.1:5000', true],
    ['127.8.9.10', true],
    ['localhost:5000', true],
    ['localhost', true],
    ['[::1]:5000', true],
    ['127.0.0.1:6000', false], // explicitly marked secure wins over loopback
    ['secure.example', true],
    ['docker.io', false],
    ['registry-1.docker.io', false],
    ['notlocalhost.com', false],
  ];
  for (const [host, want] of table) assert.equal(isInsecureRegistry(host, config), want, host);
});

test('isLoopbackHost and splitHostPort', () => {
  assert.equal(isLoopbackHost('127.0.0.1'), true);
  assert.equal(isLoopbackHost('::1'), true);
  assert.equal(isLoopbackHost('[::1]:5000'), true);
  assert.equal(isLoopbackHost('128.0.0.1'), false);
  assert.equal(isLoopbackHost('example.com'), false);
  assert.deepEqual(splitHostPort('[::1]:5000'), { hostname: '::1', port: '5000' });
  assert.deepEqual(splitHostPort('host:80'), { hostname: 'host', port: '80' });
  assert.deepEqual(splitHostPort('host'), { hostname: 'host' });
  assert.deepEqual(splitHostPort('::1'), { hostname: '::1' });
});

test('CA from registries[host].ca, else every *.crt of certs-dir/<host>/', () => {
  const config = parseDaemonConfig({ 'certs-dir': '/certs', registries: { 'a.example': { ca: '/etc/a-ca.pem' } } });
  const fs = memFs({
    '/etc/a-ca.pem': 'A-CA',
    '/certs/a.example/ca.crt': 'IGNORED-BECAUSE-CONFIGURED',
    '/certs/b.example:5000/ca.crt': 'B1',
    '/certs/b.example:5000/extra.crt': 'B2',
    '/certs/b.example:5000/client.key': 'KEY',
  });
  assert.equal(resolveEndpoints('a.example', config, { fs })[0]!.ca, 'A-CA');
  assert.equal(resolveEndpoints('b.example:5000', config, { fs })[0]!.ca, 'B1\nB2');
  assert.equal(resolveEndpoints('c.example', config, { fs })[0]!.ca, undefined);
  const missing = parseDaemonConfig({ registries: { 'd.example': { ca: '/nope.pem' } } });
  assert.throws(() => resolveEndpoints('d.example', missing, { fs }), (e) => isForgeError(e, 'InvalidArgument'));
});
