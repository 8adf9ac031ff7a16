/** Capabilities: Docker's defaults, --cap-add/--cap-drop precedence with ALL, names, masks. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ALL_CAPABILITIES, DEFAULT_CAPABILITIES, capabilityMask, normalizeCapability, processCapabilities, resolveCapabilities,
} from '../../../src/security/capabilities';
import { isForgeError } from '../../../src/errors';

const sorted = (caps: readonly string[]): string[] => [...caps].sort((a, b) => ALL_CAPABILITIES.indexOf(a) - ALL_CAPABILITIES.indexOf(b));

test('the default set is Docker\'s 14 and has the kernel mask 00000000a80425fb', () => {
  assert.equal(DEFAULT_CAPABILITIES.length, 14);
  assert.deepEqual(resolveCapabilities(), sorted(DEFAULT_CAPABILITIES));
  assert.equal(capabilityMask(DEFAULT_CAPABILITIES), '00000000a80425fb');
  assert.equal(ALL_CAPABILITIES.length, 41);
  assert.equal(capabilityMask(ALL_CAPABILITIES), '000001ffffffffff');
});

test('names: with or without CAP_, any case', () => {
  for (const n of ['net_admin', 'NET_ADMIN', 'cap_net_admin', 'Cap_Net_Admin', ' NET_ADMIN ']) {
    assert.equal(normalizeCapability(n), 'CAP_NET_ADMIN');
  }
  assert.equal(normalizeCapability('all'), 'ALL');
});

const cases: Array<{ name: string; add?: string[]; drop?: string[]; expect: (defaults: string[]) => string[] }> = [
  { name: 'add one', add: ['SYS_ADMIN'], expect: (d) => sorted([...d, 'CAP_SYS_ADMIN']) },
  { name: 'add a default again: no duplicate', add: ['chown'], expect: (d) => d },
  { name: 'drop one', drop: ['NET_RAW'], expect: (d) => d.filter((c) => c !== 'CAP_NET_RAW') },
  { name: 'drop ALL', drop: ['ALL'], expect: () => [] },
  { name: 'drop ALL, add back', drop: ['all'], add: ['net_bind_service', 'CAP_CHOWN'], expect: () => ['CAP_CHOWN', 'CAP_NET_BIND_SERVICE'] },
  { name: 'add ALL', add: ['ALL'], expect: () => [...ALL_CAPABILITIES] },
  { name: 'add ALL, drop one', add: ['ALL'], drop: ['SYS_ADMIN'], expect: () => ALL_CAPABILITIES.filter((c) => c !== 'CAP_SYS_ADMIN') },
  { name: 'add ALL wins over drop ALL', add: ['ALL'], drop: ['ALL'], expect: () => [...ALL_CAPABILITIES] },
  { name: 'drop then add the same', add: ['KILL'], drop: ['KILL'], expect: (d) => d },
];
for (const c of cases) {
  test(`cap-add/cap-drop: ${c.name}`, () => {
    assert.deepEqual(resolveCapabilities({ add: c.add, drop: c.drop }), c.expect(sorted(DEFAULT_CAPABILITIES)));
  });
}

test('an unknown capability is InvalidArgument naming it', () => {
  for (const changes of [{ add: ['NET_SUPERPOWER'] }, { drop: ['CAP_FOO'] }, { add: [''] }]) {
    assert.throws(() => resolveCapabilities(changes), (err: unknown) => {
      return isForgeError(err, 'InvalidArgument') && err.message.includes(JSON.stringify(changes.add?.[0] ?? changes.drop?.[0]));
    });
  }
});

test('process capabilities: no inheritable or ambient set', () => {
  const caps = processCapabilities(['CAP_CHOWN']);
  assert.deepEqual(caps, { bounding: ['CAP_CHOWN'], effective: ['CAP_CHOWN'], permitted: ['CAP_CHOWN'], inheritable: [], ambient: [] });
});
