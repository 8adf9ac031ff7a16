/** --security-opt parsing: secure defaults, accepted forms, everything else refused. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isForgeError } from '../../../src/errors';
import { defaultSecurityOptions, parseSecurityOpts, type SecurityOptions } from '../../../src/security/security-opt';

const d = defaultSecurityOptions();

test('defaults: no_new_privileges on, default seccomp', () => {
  assert.deepEqual(parseSecurityOpts([]), { noNewPrivileges: true, seccomp: { kind: 'default' }, labelDisabled: false, apparmorUnconfined: false });
});

const accepted: Array<[string[], Partial<SecurityOptions>]> = [
  [['no-new-privileges'], {}],
  [['no-new-privileges=true'], {}],
  [['no-new-privileges:true'], {}],
  [['no-new-privileges=false'], { noNewPrivileges: false }],
  [['no-new-privileges:false'], { noNewPrivileges: false }],
  [['no-new-privileges=false', 'no-new-privileges'], {}],
  [['seccomp=unconfined'], { seccomp: { kind: 'unconfined' } }],
  [['seccomp:unconfined'], { seccomp: { kind: 'unconfined' } }],
  [['seccomp=/etc/forgeone/profile.json'], { seccomp: { kind: 'file', path: '/etc/forgeone/profile.json' } }],
  [['seccomp=/odd:path.json'], { seccomp: { kind: 'file', path: '/odd:path.json' } }],
  [['seccomp={"defaultAction":"SCMP_ACT_ALLOW"}'], { seccomp: { kind: 'inline', json: '{"defaultAction":"SCMP_ACT_ALLOW"}' } }],
  [['label=disable'], { labelDisabled: true }],
  [['label:disable'], { labelDisabled: true }],
  [['apparmor=unconfined'], { apparmorUnconfined: true }],
];
for (const [opts, diff] of accepted) {
  test(`accepted: ${opts.join(' ')}`, () => assert.deepEqual(parseSecurityOpts(opts), { ...d, ...diff }));
}

const refused = [
  'no-new-privileges=maybe', 'seccomp=', 'seccomp', 'seccomp=relative.json', 'label=user:root', 'label=type:spc_t',
  'apparmor=docker-default', 'systempaths=unconfined', 'privileged', 'nonsense=1', '',
];
for (const opt of refused) {
  test(`refused: "${opt}"`, () => {
    assert.throws(() => parseSecurityOpts([opt]), (err: unknown) => isForgeError(err, 'InvalidArgument'));
  });
}
