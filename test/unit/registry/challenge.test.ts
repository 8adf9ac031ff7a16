import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseChallenges, pickChallenge, type Challenge } from '../../../src/registry/auth/challenge';

const cases: Array<[string, string | string[] | undefined, Challenge[]]> = [
  ['basic with realm', 'Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
  [
    'docker hub bearer',
    'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"',
    [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' } }],
  ],
  ['case-insensitive scheme and names', 'BEARER Realm="r", SERVICE=svc', [{ scheme: 'bearer', params: { realm: 'r', service: 'svc' } }]],
  ['unquoted values and spaces around =', 'Bearer realm = https://a/token , service = reg', [{ scheme: 'bearer', params: { realm: 'https://a/token', service: 'reg' } }]],
  ['escapes in quoted strings', 'Basic realm="say \\"hi\\" \\\\ bye"', [{ scheme: 'basic', params: { realm: 'say "hi" \\ bye' } }]],
  ['comma inside quotes', 'Bearer realm="a,b",scope="repository:x:pull,push"', [{ scheme: 'bearer', params: { realm: 'a,b', scope: 'repository:x:pull,push' } }]],
  [
    'two challenges in one header (RFC 7235 example)',
    'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"',
    [
      { scheme: 'newauth', params: { realm: 'apps', type: '1', title: 'Login to "apps"' } },
      { scheme: 'basic', params: { realm: 'simple' } },
    ],
  ],
  [
    'two header values',
    ['Basic realm="a"', 'Bearer realm="b",service="s"'],
    [{ scheme: 'basic', params: { realm: 'a' } }, { scheme: 'bearer', params: { realm: 'b', service: 's' } }],
  ],
  ['token68', 'Negotiate abc+/==, Basic realm="x"', [{ scheme: 'negotiate', params: {}, token68: 'abc+/==' }, { scheme: 'basic', params: { realm: 'x' } }]],
  ['scheme alone', 'Basic', [{ scheme: 'basic', params: {} }]],
  ['error param', 'Bearer realm="r",error="insufficient_scope"', [{ scheme: 'bearer', params: { realm: 'r', error: 'insufficient_scope' } }]],
  ['empty', '', []],
  ['absent', undefined, []],
  ['unterminated quote keeps the rest', 'Basic realm="open', [{ scheme: 'basic', params: { realm: 'open' } }]],
  ['garbage before the scheme is skipped', '=x, Basic realm=y', [{ scheme: 'basic', params: { realm: 'y' } }]],
];

for (const [name, header, expected] of cases) {
  test(`parseChallenges: ${name}`, () => {
    assert.deepEqual(parseChallenges(header), expected);
  });
}

test('pickChallenge prefers Bearer, ignores unknown schemes', () => {
  assert.equal(pickChallenge(parseChallenges('Basic realm="a", Bearer realm="b"'))?.scheme, 'bearer');
  assert.equal(pickChallenge(parseChallenges('Negotiate x, Basic realm="a"'))?.scheme, 'basic');
  assert.equal(pickChallenge(parseChallenges('Negotiate x')), undefined);
});
