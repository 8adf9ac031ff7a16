import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Router } from '../../../src/api/router';
import { statusOf, errorBody } from '../../../src/api/http-errors';
import { ForgeError, ERROR_CODES } from '../../../src/errors';

describe('Router', () => {
  const noop = () => undefined;
  const router = new Router();
  router.native('GET', '/images', noop);
  router.native('DELETE', '/images/{name*}', noop);
  router.docker('GET', '/images/{name*}/json', noop);
  router.docker('POST', '/containers/{id}/start', noop);

  it('matches native routes under /v1 only', () => {
    assert.ok(typeof router.match('GET', '/v1/images') === 'object');
    assert.equal(router.match('GET', '/images'), undefined);
  });

  it('lets a * parameter span slashes (image names)', () => {
    const m = router.match('DELETE', '/v1/images/127.0.0.1:5000/team/app:v1');
    assert.ok(m && typeof m === 'object');
    assert.equal(m.params.name, '127.0.0.1:5000/team/app:v1');
  });

  it('serves docker routes bare and under /v1.NN, recording the version', () => {
    const bare = router.match('GET', '/images/docker.io/library/busybox:latest/json');
    assert.ok(bare && typeof bare === 'object');
    assert.equal(bare.params.name, 'docker.io/library/busybox:latest');
    const versioned = router.match('POST', '/v1.47/containers/abc/start');
    assert.ok(versioned && typeof versioned === 'object');
    assert.equal(versioned.params.__version, '1.47');
    assert.equal(versioned.params.id, 'abc');
  });

  it('tells a wrong method from an unknown path', () => {
    assert.equal(router.match('POST', '/v1/images'), 'method-not-allowed');
    assert.equal(router.match('GET', '/v1/nothing'), undefined);
  });

  it('decodes percent-encoded parameters', () => {
    const m = router.match('DELETE', '/v1/images/busybox%3Alatest');
    assert.ok(m && typeof m === 'object');
    assert.equal(m.params.name, 'busybox:latest');
  });
});

describe('error codes map to HTTP statuses in one place', () => {
  it('every code has a status', () => {
    for (const code of ERROR_CODES) assert.ok(statusOf(code) >= 400 && statusOf(code) < 600, code);
  });
  it('builds the body with code, message and hint', () => {
    const { status, body } = errorBody(new ForgeError('NotFound', 'No such image: x', { hint: 'pull it' }));
    assert.equal(status, 404);
    assert.deepEqual(body, { message: 'No such image: x', code: 'NotFound', hint: 'pull it' });
    assert.equal(errorBody(new Error('boom')).status, 500);
    assert.equal(errorBody(Object.assign(new Error('no space'), { code: 'ENOSPC' })).body.code, 'Unavailable');
  });
});
