import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  credentialLookupFromRegistryAuth, decodeAuthEntry, decodeRegistryAuth, DOCKER_HUB_AUTH_KEY, dockerConfigPath, encodeAuthEntry,
  encodeRegistryAuth, lookupCredentials, normalizeRegistryHost, readDockerConfig, removeCredentials, setCredentials, writeDockerConfig,
} from '../../../src/registry/auth/docker-config';
import { isForgeError } from '../../../src/errors';

test('normalizeRegistryHost folds Docker Hub aliases and drops scheme and path', () => {
  for (const alias of ['https://index.docker.io/v1/', 'index.docker.io', 'registry-1.docker.io', 'docker.io', 'http://docker.io']) {
    assert.equal(normalizeRegistryHost(alias), 'docker.io', alias);
  }
  assert.equal(normalizeRegistryHost('https://Quay.io/v2/'), 'quay.io');
  assert.equal(normalizeRegistryHost('127.0.0.1:5000'), '127.0.0.1:5000');
});

test('auth entries round-trip and decode Docker-written ones', () => {
  const entry = encodeAuthEntry({ username: 'alice', password: 'p:a:ss' });
  assert.equal(entry.auth, Buffer.from('alice:p:a:ss').toString('base64'));
  assert.deepEqual(decodeAuthEntry(entry), { username: 'alice', password: 'p:a:ss' });
  // Docker stores an identity token with the username and an empty password.
  const withToken = encodeAuthEntry({ username: 'bob', password: 'ignored', identityToken: 'refresh' });
  assert.equal(Buffer.from(withToken.auth!, 'base64').toString(), 'bob:');
  assert.deepEqual(decodeAuthEntry(withToken), { username: 'bob', password: '', identityToken: 'refresh' });
  assert.equal(decodeAuthEntry({}), undefined);
  assert.throws(() => decodeAuthEntry({ auth: Buffer.from('nocolon').toString('base64') }), (e) => isForgeError(e, 'InvalidArgument'));
});

test('lookup by host with docker.io aliases; exact key wins', () => {
  const config = {
    auths: {
      [DOCKER_HUB_AUTH_KEY]: { auth: Buffer.from('hub:pw').toString('base64') },
      'https://myreg.example:5000': { auth: Buffer.from('me:x').toString('base64') },
      '127.0.0.1:5000': { auth: Buffer.from('local:y').toString('base64') },
    },
  };
  assert.deepEqual(lookupCredentials(config, 'docker.io'), { username: 'hub', password: 'pw' });
  assert.deepEqual(lookupCredentials(config, 'registry-1.docker.io'), { username: 'hub', password: 'pw' });
  assert.deepEqual(lookupCredentials(config, 'myreg.example:5000'), { username: 'me', password: 'x' });
  assert.deepEqual(lookupCredentials(config, '127.0.0.1:5000'), { username: 'local', password: 'y' });
  assert.equal(lookupCredentials(config, 'quay.io'), undefined);
  assert.equal(lookupCredentials({}, 'docker.io'), undefined);
});

test('set and remove replace alias entries and keep other keys', () => {
  const start = { credsStore: 'desktop', auths: { 'index.docker.io': { auth: 'b2xkOm9sZA==' }, 'quay.io': { auth: 'cTpx' } } };
  const set = setCredentials(start, 'docker.io', { username: 'new', password: 'pw' });
  assert.equal(set.credsStore, 'desktop');
  assert.deepEqual(Object.keys(set.auths!).sort(), [DOCKER_HUB_AUTH_KEY, 'quay.io']);
  assert.deepEqual(lookupCredentials(set, 'docker.io'), { username: 'new', password: 'pw' });
  const { config: removed, removed: did } = removeCredentials(set, 'https://index.docker.io/v1/');
  assert.equal(did, true);
  assert.deepEqual(Object.keys(removed.auths!), ['quay.io']);
  assert.equal(removeCredentials(removed, 'nothere.io').removed, false);
});

test('write is 0600 and atomic, read of a missing file is empty, malformed is InvalidArgument', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'forgeone-dockercfg-'));
  try {
    const file = join(dir, 'sub', 'config.json');
    assert.deepEqual(await readDockerConfig(file), {});
    await writeDockerConfig(file, setCredentials({}, '127.0.0.1:5000', { username: 'u', password: 'p' }));
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.deepEqual(lookupCredentials(await readDockerConfig(file), '127.0.0.1:5000'), { username: 'u', password: 'p' });
    assert.match(await readFile(file, 'utf8'), /"auths"/);
    await writeDockerConfig(file, { auths: {} });
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '[1,2]');
    await assert.rejects(readDockerConfig(bad), (e) => isForgeError(e, 'InvalidArgument'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('dockerConfigPath honours DOCKER_CONFIG', () => {
  assert.equal(dockerConfigPath({ DOCKER_CONFIG: '/etc/dc' }, '/home/x'), '/etc/dc/config.json');
  assert.equal(dockerConfigPath({}, '/home/x'), '/home/x/.docker/config.json');
});

test('X-Registry-Auth round-trip, Docker variants, and errors', () => {
  const header = encodeRegistryAuth({ username: 'u', password: 'p?>~' }, 'https://index.docker.io/v1/');
  assert.doesNotMatch(header, /[+/=]/); // base64url, unpadded
  assert.deepEqual(decodeRegistryAuth(header), { credentials: { username: 'u', password: 'p?>~' }, serverAddress: 'docker.io' });
  // Standard base64 with padding, as some SDKs send; and the `auth` field form.
  const std = Buffer.from(JSON.stringify({ auth: Buffer.from('a:b').toString('base64'), serveraddress: '127.0.0.1:5000' })).toString('base64');
  assert.deepEqual(decodeRegistryAuth(std), { credentials: { username: 'a', password: 'b' }, serverAddress: '127.0.0.1:5000' });
  assert.deepEqual(decodeRegistryAuth(Buffer.from(JSON.stringify({ identitytoken: 'tok' })).toString('base64url')), { credentials: { identityToken: 'tok' } });
  assert.deepEqual(decodeRegistryAuth(undefined), {});
  assert.deepEqual(decodeRegistryAuth(''), {});
  assert.deepEqual(decodeRegistryAuth('e30='), {}); // "{}" from `docker pull` when not logged in
  assert.throws(() => decodeRegistryAuth('!!!notjson'), (e) => isForgeError(e, 'InvalidArgument'));
});

test('X-Registry-Auth credentials apply only to the registry they name', () => {
  const named = credentialLookupFromRegistryAuth({ credentials: { username: 'u', password: 'p' }, serverAddress: 'docker.io' }, 'quay.io');
  assert.deepEqual(named('docker.io'), { username: 'u', password: 'p' });
  assert.deepEqual(named('registry-1.docker.io'), { username: 'u', password: 'p' });
  assert.equal(named('mirror.local:5000'), undefined);
  const unnamed = credentialLookupFromRegistryAuth({ credentials: { username: 'u', password: 'p' } }, '127.0.0.1:5000');
  assert.deepEqual(unnamed('127.0.0.1:5000'), { username: 'u', password: 'p' });
  assert.equal(unnamed('docker.io'), undefined);
  assert.equal(credentialLookupFromRegistryAuth({}, 'docker.io')('docker.io'), undefined);
});
