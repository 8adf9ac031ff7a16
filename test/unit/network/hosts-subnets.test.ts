import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderHosts, renderResolvConf } from '../../../src/network/hosts-file';
import { checkGateway, defaultGateway, formatSubnet, overlaps, parseSubnet, pickSubnet } from '../../../src/network/subnets';
import { isForgeError } from '../../../src/errors';

test('/etc/hosts: localhost lines, --add-host, own address with hostname, peers by name, aliases and short ID', () => {
  const text = renderHosts({
    self: [{ ip: '10.88.5.2', names: ['abc123'] }],
    peers: [
      { ip: '10.88.5.4', names: ['web', 'www', 'web', '0123456789ab'] },
      { ip: '10.88.5.3', names: ['db', 'abc123'] },
    ],
    extraHosts: ['gw:10.0.0.1'],
    hostname: 'abc123',
  });
  assert.equal(
    text,
    [
      '127.0.0.1\tlocalhost',
      '::1\tlocalhost ip6-localhost ip6-loopback',
      'fe00::0\tip6-localnet',
      'ff00::0\tip6-mcastprefix',
      '10.0.0.1\tgw',
      '10.88.5.2\tabc123',
      '10.88.5.3\tdb',
      '10.88.5.4\tweb www 0123456789ab',
      '',
    ].join('\n'),
  );
  // No address (--network none): the hostname on 127.0.1.1, as before networking.
  assert.match(renderHosts({ self: [], peers: [], extraHosts: [], hostname: 'h' }), /127\.0\.1\.1\th\n$/);
});

test('resolv.conf: --dns replaces nameservers and keeps search; loopback resolvers dropped unless host network', () => {
  const host = 'search example.com\nnameserver 127.0.0.53\nnameserver 10.1.1.1\noptions ndots:2\n';
  assert.equal(renderResolvConf(host, { dns: [], hostNetwork: false }), 'search example.com\nnameserver 10.1.1.1\noptions ndots:2\n');
  assert.equal(renderResolvConf(host, { dns: ['1.1.1.1'], hostNetwork: false }), 'nameserver 1.1.1.1\nsearch example.com\noptions ndots:2\n');
  assert.equal(renderResolvConf(host, { dns: [], hostNetwork: true }), host);
});

test('subnets: parse, overlap, gateway checks, picking a free /24 from a pool', () => {
  const s = parseSubnet('10.88.4.0/22');
  assert.equal(formatSubnet(s), '10.88.4.0/22');
  assert.equal(defaultGateway(s), '10.88.4.1');
  assert.ok(overlaps(s, parseSubnet('10.88.5.0/24')));
  assert.ok(!overlaps(s, parseSubnet('10.88.8.0/24')));
  for (const bad of ['10.88.4.1/22', '10.88.0.0', '10.88.0.0/31', '10.88.0.0/4', '300.0.0.0/24']) {
    assert.throws(() => parseSubnet(bad), (err: unknown) => isForgeError(err, 'InvalidArgument'), bad);
  }
  checkGateway(s, '10.88.7.254');
  for (const bad of ['10.88.4.0', '10.88.7.255', '10.88.8.1']) assert.throws(() => checkGateway(s, bad), (err: unknown) => isForgeError(err, 'InvalidArgument'), bad);
  const pool = parseSubnet('172.28.0.0/22');
  assert.equal(formatSubnet(pickSubnet(pool, [parseSubnet('172.28.0.0/24'), parseSubnet('172.28.1.128/25')])), '172.28.2.0/24');
  assert.throws(() => pickSubnet(pool, [pool]), (err: unknown) => isForgeError(err, 'Conflict'));
});
