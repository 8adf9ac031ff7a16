import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Descriptor, Platform } from '../../../src/config/oci-image';
import {
  ANNOTATION_REFERENCE_TYPE, defaultPlatform, formatPlatform, normalizePlatform, parsePlatform, platformMatches, selectManifest,
} from '../../../src/registry/platform';
import { isForgeError } from '../../../src/errors';

const amd64Host: Platform = { os: 'linux', architecture: 'amd64' };

test('parsePlatform: full, with variant, and single components', () => {
  const table: Array<[string, string]> = [
    ['linux/amd64', 'linux/amd64'],
    ['linux/arm64/v8', 'linux/arm64/v8'],
    ['linux/arm64', 'linux/arm64/v8'],
    ['arm64', 'linux/arm64/v8'],
    ['aarch64', 'linux/arm64/v8'],
    ['linux/x86_64', 'linux/amd64'],
    ['Linux/AMD64', 'linux/amd64'],
    ['linux/arm', 'linux/arm/v7'],
    ['linux/arm/v6', 'linux/arm/v6'],
    ['linux/arm/7', 'linux/arm/v7'],
    ['linux/armhf', 'linux/arm/v7'],
    ['linux/armel', 'linux/arm/v6'],
    ['linux/i386', 'linux/386'],
    ['linux/amd64/v3', 'linux/amd64/v3'],
    ['linux/amd64/v1', 'linux/amd64'],
    ['linux/s390x', 'linux/s390x'],
    ['linux', 'linux/amd64'], // an OS alone takes the host's architecture
    ['windows/amd64', 'windows/amd64'],
  ];
  for (const [input, want] of table) assert.equal(formatPlatform(parsePlatform(input, amd64Host)), want, input);
});

test('parsePlatform rejects malformed and unknown', () => {
  for (const bad of ['', 'linux/', '/amd64', 'linux/amd64/v8/x', 'plan10', 'linux/pdp11', 'bogus/amd64', 'linux/amd 64']) {
    assert.throws(() => parsePlatform(bad, amd64Host), (e) => isForgeError(e, 'InvalidArgument'), bad);
  }
});

test('defaultPlatform from process.arch names', () => {
  assert.deepEqual(defaultPlatform('x64'), { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(defaultPlatform('arm64'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
  assert.deepEqual(defaultPlatform('arm', '6'), { os: 'linux', architecture: 'arm', variant: 'v6' });
  assert.deepEqual(defaultPlatform('arm', undefined), { os: 'linux', architecture: 'arm', variant: 'v7' });
  assert.deepEqual(defaultPlatform('ia32'), { os: 'linux', architecture: '386' });
  assert.deepEqual(defaultPlatform('ppc64'), { os: 'linux', architecture: 'ppc64le' });
  assert.equal(defaultPlatform().os, 'linux');
});

test('normalizePlatform keeps os.version', () => {
  assert.deepEqual(normalizePlatform({ os: 'Windows', architecture: 'x86_64', 'os.version': '10.0.17763.1' }), {
    os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763.1',
  });
});

function entry(name: string, platform?: Platform, annotations?: Record<string, string>): Descriptor {
  return {
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: `sha256:${name.padEnd(64, '0')}`,
    size: 1,
    ...(platform ? { platform } : {}),
    ...(annotations ? { annotations } : {}),
  };
}

const index = {
  manifests: [
    entry('a1', { os: 'linux', architecture: 'amd64' }),
    entry('a2', { os: 'linux', architecture: 'arm', variant: 'v6' }),
    entry('a3', { os: 'linux', architecture: 'arm', variant: 'v7' }),
    entry('a4', { os: 'linux', architecture: 'arm64', variant: 'v8' }),
    entry('a5', { os: 'linux', architecture: 'amd64', variant: 'v3' }),
    entry('a6', { os: 'windows', architecture: 'amd64', 'os.version': '10.0' }),
    entry('a7', { os: 'unknown', architecture: 'unknown' }, { [ANNOTATION_REFERENCE_TYPE]: 'attestation-manifest' }),
  ],
};

test('selectManifest: exact variant preferred, compatible older variant accepted', () => {
  const pick = (p: string) => selectManifest(index, parsePlatform(p, amd64Host)).digest.slice(7, 9);
  assert.equal(pick('linux/amd64'), 'a1'); // v3 image does not run on a baseline amd64
  assert.equal(pick('linux/amd64/v3'), 'a5');
  assert.equal(pick('linux/amd64/v2'), 'a1');
  assert.equal(pick('linux/arm/v7'), 'a3');
  assert.equal(pick('linux/arm/v6'), 'a2');
  assert.equal(pick('linux/arm/v8'), 'a3'); // nearest older variant wins
  assert.equal(pick('linux/arm64'), 'a4');
  assert.equal(pick('aarch64'), 'a4');
  assert.equal(pick('windows/amd64'), 'a6');
});

test('selectManifest: arm64 entries without a variant match arm64/v8', () => {
  const idx = { manifests: [entry('b1', { os: 'linux', architecture: 'amd64' }), entry('b2', { os: 'linux', architecture: 'arm64' })] };
  assert.equal(selectManifest(idx, { os: 'linux', architecture: 'arm64', variant: 'v8' }).digest.slice(7, 9), 'b2');
});

test('selectManifest skips attestation manifests even when their platform would match', () => {
  const idx = {
    manifests: [
      entry('c1', { os: 'linux', architecture: 'amd64' }, { [ANNOTATION_REFERENCE_TYPE]: 'attestation-manifest', 'vnd.docker.reference.digest': 'sha256:x' }),
      entry('c2', { os: 'linux', architecture: 'amd64' }),
    ],
  };
  assert.equal(selectManifest(idx, amd64Host).digest.slice(7, 9), 'c2');
});

test('selectManifest: no match is NotFound listing available platforms (not attestations)', () => {
  try {
    selectManifest(index, { os: 'linux', architecture: 'riscv64' });
    assert.fail('expected NotFound');
  } catch (err) {
    assert.ok(isForgeError(err, 'NotFound'));
    assert.match(err.message, /linux\/riscv64/);
    assert.deepEqual(err.details?.available, ['linux/amd64', 'linux/arm/v6', 'linux/arm/v7', 'linux/arm64/v8', 'linux/amd64/v3', 'windows/amd64']);
    assert.match(err.hint ?? '', /linux\/arm64\/v8/);
  }
  assert.throws(() => selectManifest({ manifests: [entry('d1')] }, amd64Host), (e) => isForgeError(e, 'NotFound'));
});

test('platformMatches for single-manifest images', () => {
  assert.equal(platformMatches({ os: 'linux', architecture: 'x86_64' }, amd64Host), true);
  assert.equal(platformMatches({ os: 'linux', architecture: 'arm64' }, amd64Host), false);
  assert.equal(platformMatches({ os: 'linux', architecture: 'arm', variant: 'v7' }, { os: 'linux', architecture: 'arm', variant: 'v6' }), false);
});
