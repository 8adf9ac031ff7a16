// The router reports the pattern a request matched: the API latency metric's `route` label, so
// label values stay bounded whatever IDs and names requests carry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Router } from '../../../src/api/router';

test('match returns the registered pattern, native and Docker-versioned', () => {
  const r = new Router();
  r.native('GET', '/containers/{id}/json', () => undefined);
  r.docker('GET', '/images/{name*}/json', () => undefined);
  r.add('GET', '/metrics', () => undefined);
  const m = r.match('GET', `/v1/containers/${'a'.repeat(64)}/json`);
  assert.ok(m && m !== 'method-not-allowed');
  assert.equal(m.pattern, '/v1/containers/{id}/json');
  const d = r.match('GET', '/v1.45/images/library/busybox/json');
  assert.ok(d && d !== 'method-not-allowed');
  assert.equal(d.pattern, '/v{version}/images/{name*}/json');
  assert.equal((r.match('GET', '/images/x/json') as { pattern: string }).pattern, '/images/{name*}/json');
  assert.equal((r.match('HEAD', '/metrics') as { pattern: string }).pattern, '/metrics');
});
