import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { isForgeError } from '../../../src/errors';
import { sha256 } from '../../../src/util/digest';
import { credentialsFingerprint, fetchToken, parseTokenResponse, TokenCache } from '../../../src/registry/auth/token';
import { isTransient, networkError, statusError, type ErrorContext } from '../../../src/registry/distribution/errors';
import { detectManifestMediaType, manifestDigest } from '../../../src/registry/distribution/manifest';
import { chunksOf, withDigest } from '../../../src/registry/distribution/upload';
import { mergeScopes } from '../../../src/registry/distribution/scopes';

test('token responses: token or access_token, expires_in with Docker minimum of 60s', () => {
  const now = 1_000_000;
  const a = parseTokenResponse(JSON.stringify({ token: 't1', expires_in: 300 }), now);
  assert.equal(a.token, 't1');
  assert.equal(a.expiresAt, now + (300 - 30) * 1000);
  const b = parseTokenResponse(JSON.stringify({ access_token: 't2', refresh_token: 'r' }), now);
  assert.deepEqual(b, { token: 't2', expiresAt: now + 45_000, refreshToken: 'r' });
  assert.throws(() => parseTokenResponse('{}', now), (e) => isForgeError(e, 'Internal'));
  assert.throws(() => parseTokenResponse('<html>', now), (e) => isForgeError(e, 'Internal'));
});

test('token cache expires entries and keys by credentials', () => {
  let now = 0;
  const cache = new TokenCache(() => now);
  const alice = TokenCache.key('h', 'r', 's', ['b', 'a'], credentialsFingerprint({ username: 'alice', password: 'x' }));
  const bob = TokenCache.key('h', 'r', 's', ['a', 'b'], credentialsFingerprint({ username: 'bob', password: 'x' }));
  assert.notEqual(alice, bob);
  assert.equal(credentialsFingerprint(undefined), 'anonymous');
  cache.set(alice, { token: 'A', expiresAt: 100 });
  assert.equal(cache.get(alice)?.token, 'A');
  assert.equal(cache.get(bob), undefined);
  now = 100;
  assert.equal(cache.get(alice), undefined);
});

const ctx = (kind: ErrorContext['kind']): ErrorContext => ({ kind, registry: 'r.example', repository: 'r.example/x', subject: 'r.example/x:y' });

test('status mapping: codes, and only 5xx/429 transient', () => {
  const body = JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] });
  const m404 = statusError(404, body, ctx('manifest'), 'u');
  assert.equal(m404.code, 'NotFound');
  assert.equal(m404.message, 'manifest unknown: r.example/x:y');
  assert.deepEqual(m404.details?.errors, ['MANIFEST_UNKNOWN']);
  const table: Array<[number, string, boolean]> = [
    [404, 'NotFound', false], [401, 'Unauthorized', false], [403, 'PermissionDenied', false], [400, 'InvalidArgument', false],
    [405, 'NotImplemented', false], [409, 'Conflict', false], [429, 'Unavailable', true], [500, 'Unavailable', true],
    [503, 'Unavailable', true], [418, 'Internal', false],
  ];
  for (const [status, code, transient] of table) {
    const err = statusError(status, 'oops', ctx('blob'), 'u');
    assert.equal(err.code, code, String(status));
    assert.equal(isTransient(err), transient, String(status));
  }
  assert.equal(statusError(401, '', ctx('manifest'), 'u').hint, 'forgeone login r.example');
});

test('network errors: Unavailable; refused/reset transient, DNS and TLS not', () => {
  const refused = networkError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'h:1', 'u');
  assert.equal(refused.code, 'Unavailable');
  assert.match(refused.message, /^cannot reach registry h:1: /);
  assert.equal(isTransient(refused), true);
  const agg = new AggregateError([Object.assign(new Error('x'), { code: 'ECONNRESET' })], 'many');
  assert.equal(isTransient(networkError(agg, 'h', 'u')), true);
  assert.equal(isTransient(networkError(Object.assign(new Error('nx'), { code: 'ENOTFOUND' }), 'h', 'u')), false);
  const tls = networkError(Object.assign(new Error('self-signed'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), 'h', 'u');
  assert.equal(isTransient(tls), false);
  assert.match(tls.hint ?? '', /ca\.crt/);
});

test('manifest digest verified when asked, media type from header or JSON', () => {
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, config: {}, layers: [] }));
  assert.equal(manifestDigest(bytes, undefined, 's'), sha256(bytes));
  assert.equal(manifestDigest(bytes, sha256(bytes), 's'), sha256(bytes));
  assert.throws(() => manifestDigest(bytes, sha256('other'), 's'), (e) => isForgeError(e, 'Internal') && /expected sha256:.*digest sha256:/.test(e.message));
  const oci = 'application/vnd.oci.image.manifest.v1+json';
  assert.equal(detectManifestMediaType(`${oci}; charset=utf-8`, bytes, 's'), oci);
  assert.equal(detectManifestMediaType('application/json', bytes, 's'), oci); // by shape
  const list = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json', manifests: [] }));
  assert.equal(detectManifestMediaType('text/plain', list, 's'), 'application/vnd.docker.distribution.manifest.list.v2+json');
  assert.equal(detectManifestMediaType(undefined, Buffer.from('{"schemaVersion":2,"manifests":[]}'), 's'), 'application/vnd.oci.image.index.v1+json');
  assert.throws(() => detectManifestMediaType(undefined, Buffer.from('{"schemaVersion":1}'), 's'), (e) => isForgeError(e, 'NotImplemented'));
  assert.throws(() => detectManifestMediaType(undefined, Buffer.from('{"mediaType":"x/y"}'), 's'), (e) => isForgeError(e, 'InvalidArgument'));
  assert.throws(() => detectManifestMediaType(undefined, Buffer.from('nope'), 's'), (e) => isForgeError(e, 'InvalidArgument'));
});

test('chunksOf splits into exact sizes; withDigest keeps the upload state query', async () => {
  const src = Readable.from([Buffer.from('abc'), Buffer.from('defgh'), Buffer.from('ij')]);
  const out: string[] = [];
  for await (const c of chunksOf(src, 4)) out.push(c.toString());
  assert.deepEqual(out, ['abcd', 'efgh', 'ij']);
  const url = withDigest(new URL('http://h/v2/x/blobs/uploads/u?_state=s%3D'), 'sha256:ab');
  assert.equal(url.toString(), 'http://h/v2/x/blobs/uploads/u?_state=s%3D&digest=sha256%3Aab');
});

test('fetchToken: GET with Basic and scopes, POST with a refresh token, errors by status', async () => {
  const calls: Array<{ method: string; url: string; headers: Record<string, string>; body?: string }> = [];
  const reply = (status: number, body: string) => async (req: { method: 'GET' | 'POST'; url: string; headers: Record<string, string>; body?: string }) => {
    calls.push(req);
    return { status, body };
  };
  const ok = reply(200, JSON.stringify({ token: 'tok', expires_in: 120 }));
  const scopes = ['repository:a/b:pull', 'repository:c:pull'];
  const t = await fetchToken({ realm: 'https://auth.example/token?x=1', service: 'reg', scopes, credentials: { username: 'u', password: 'p' } }, ok, () => 0);
  assert.equal(t.token, 'tok');
  const get = new URL(calls[0]!.url);
  assert.equal(calls[0]!.method, 'GET');
  assert.equal(get.searchParams.get('x'), '1');
  assert.equal(get.searchParams.get('service'), 'reg');
  assert.deepEqual(get.searchParams.getAll('scope'), scopes);
  assert.equal(calls[0]!.headers.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);

  await fetchToken({ realm: 'https://auth.example/token', service: 'reg', scopes, credentials: { username: 'u', identityToken: 'refresh' } }, ok, () => 0);
  assert.equal(calls[1]!.method, 'POST');
  const form = new URLSearchParams(calls[1]!.body);
  assert.equal(form.get('grant_type'), 'refresh_token');
  assert.equal(form.get('refresh_token'), 'refresh');
  assert.equal(form.get('scope'), scopes.join(' '));
  assert.equal(calls[1]!.headers.authorization, undefined);

  await fetchToken({ realm: 'https://auth.example/token', scopes: [] }, ok, () => 0);
  assert.equal(calls[2]!.headers.authorization, undefined);
  await assert.rejects(fetchToken({ realm: 'https://a/t', scopes: [] }, reply(401, ''), () => 0), (e) => isForgeError(e, 'Unauthorized'));
  await assert.rejects(fetchToken({ realm: 'https://a/t', scopes: [] }, reply(503, ''), () => 0), (e) => isForgeError(e, 'Unavailable') && isTransient(e));
  await assert.rejects(fetchToken({ realm: 'https://a/t', scopes: [] }, reply(404, ''), () => 0), (e) => isForgeError(e, 'Internal'));
});

test('mergeScopes unions actions per resource whatever their order', () => {
  assert.deepEqual(mergeScopes(['repository:a/b:pull,push', 'repository:a/b:push,pull']), ['repository:a/b:pull,push']);
  assert.deepEqual(mergeScopes(['repository:a:pull', 'repository:a:push', 'repository:c:pull']), ['repository:a:pull,push', 'repository:c:pull']);
  assert.deepEqual(mergeScopes(['registry:catalog:*', 'odd']), ['registry:catalog:*', 'odd']);
});
