import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { familiarString, formatReference, parseReference, parseTaggedReference } from '../../../src/registry/reference';
import { ForgeError } from '../../../src/errors';

const D = 'sha256:' + 'a'.repeat(64);

describe('parseReference normalises like Docker', () => {
  const cases: Array<[string, string, string]> = [
    ['busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36', 'busybox:1.36'],
    ['library/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['index.docker.io/library/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['myorg/app', 'docker.io/myorg/app:latest', 'myorg/app:latest'],
    ['localhost/app', 'localhost/app:latest', 'localhost/app:latest'],
    ['localhost:5000/app:v1', 'localhost:5000/app:v1', 'localhost:5000/app:v1'],
    ['127.0.0.1:5000/a/b/c:t', '127.0.0.1:5000/a/b/c:t', '127.0.0.1:5000/a/b/c:t'],
    ['quay.io/coreos/etcd', 'quay.io/coreos/etcd:latest', 'quay.io/coreos/etcd:latest'],
    [`busybox@${D}`, `docker.io/library/busybox@${D}`, `busybox@${D}`],
    [`host:5000/repo:tag@${D}`, `host:5000/repo:tag@${D}`, `host:5000/repo:tag@${D}`],
    ['[::1]:5000/app', '[::1]:5000/app:latest', '[::1]:5000/app:latest'],
    ['a_b-c__d/f---g.h', 'docker.io/a_b-c__d/f---g.h:latest', 'a_b-c__d/f---g.h:latest'],
    // Like Docker: an upper-case first component is a registry host.
    ['Upper/case', 'Upper/case:latest', 'Upper/case:latest'],
    ['Registry.Example.com/app', 'Registry.Example.com/app:latest', 'Registry.Example.com/app:latest'],
  ];
  for (const [input, full, familiar] of cases) {
    it(`${input} → ${full}`, () => {
      const ref = parseReference(input);
      assert.equal(formatReference(ref), full);
      assert.equal(familiarString(ref), familiar);
    });
  }

  it('splits the parts', () => {
    const ref = parseReference(`127.0.0.1:5000/team/app:v2@${D}`);
    assert.deepEqual(ref, { domain: '127.0.0.1:5000', path: 'team/app', tag: 'v2', digest: D });
  });
});

describe('parseReference refuses malformed input with InvalidArgument', () => {
  const bad = [
    '',
    ' busybox',
    'busy box',
    'UPPER',
    'upper/Case',
    'a_b.c/app',
    'a::b',
    'busybox:',
    'busybox:-tag',
    'busybox:' + 'x'.repeat(129),
    '/busybox',
    'busybox/',
    'a//b',
    'x@sha256:123',
    'x@md5:' + 'a'.repeat(32),
    'x@sha256:' + 'A'.repeat(64),
    'host:port/app',
    '-lead/app',
    'app-',
    'sha256:' + 'b'.repeat(64),
    'b'.repeat(64),
    'docker.io/' + 'a'.repeat(250),
  ];
  for (const input of bad) {
    it(JSON.stringify(input.length > 40 ? input.slice(0, 40) + '…' : input), () => {
      assert.throws(
        () => parseReference(input),
        (err: unknown) => err instanceof ForgeError && err.code === 'InvalidArgument' && err.message.includes('invalid reference'),
      );
    });
  }

  it('parseTaggedReference refuses a digest', () => {
    assert.throws(() => parseTaggedReference(`busybox@${D}`), (e: unknown) => e instanceof ForgeError && e.code === 'InvalidArgument');
    assert.equal(parseTaggedReference('busybox').tag, 'latest');
  });
});
