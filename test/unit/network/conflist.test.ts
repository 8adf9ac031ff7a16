import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildConflist, loopbackConflist } from '../../../src/network/cni/conflist';
import { interfaceAddress } from '../../../src/network/cni/result';
import { networkRules, STAGE1, STAGE2 } from '../../../src/network/linux/isolation';
import type { NetworkDefinition } from '../../../src/network/types';

const net: NetworkDefinition = { id: 'a'.repeat(64), name: 'web', bridge: 'fo-aaaaaaaaaaaa', subnet: '10.88.5.0/24', gateway: '10.88.5.1', internal: false, labels: {}, createdAt: 0 };

test('bridge + host-local (data dir under the root) + firewall; masquerade and a default route', () => {
  const c = buildConflist(net, { ipamDataDir: '/root/x/network/ipam' });
  assert.equal(c.cniVersion, '1.0.0');
  assert.equal(c.name, 'web');
  assert.deepEqual(c.plugins.map((p) => p.type), ['bridge', 'firewall']);
  const bridge = c.plugins[0]!;
  assert.equal(bridge.bridge, 'fo-aaaaaaaaaaaa');
  assert.equal(bridge.isGateway, true);
  assert.equal(bridge.ipMasq, true);
  assert.equal(bridge.hairpinMode, true);
  assert.deepEqual(bridge.ipam, {
    type: 'host-local',
    ranges: [[{ subnet: '10.88.5.0/24', gateway: '10.88.5.1' }]],
    routes: [{ dst: '0.0.0.0/0' }],
    dataDir: '/root/x/network/ipam',
  });
});

test('ports go to portmap as runtime config, before the firewall; an address only when asked', () => {
  const c = buildConflist(net, {
    ipamDataDir: '/d',
    ports: [
      { hostPort: 8080, containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1' },
      { hostPort: 5353, containerPort: 53, protocol: 'udp' },
    ],
  });
  assert.deepEqual(c.plugins.map((p) => p.type), ['bridge', 'portmap', 'firewall']);
  assert.deepEqual(c.plugins[1], {
    type: 'portmap',
    capabilities: { portMappings: true },
    snat: true,
    runtimeConfig: {
      portMappings: [
        { hostPort: 8080, containerPort: 80, protocol: 'tcp', hostIP: '127.0.0.1' },
        { hostPort: 5353, containerPort: 53, protocol: 'udp' },
      ],
    },
  });
});

test('internal: no masquerade, no routes; its iptables rules drop both ways', () => {
  const c = buildConflist({ ...net, internal: true }, { ipamDataDir: '/d' });
  assert.equal(c.plugins[0]!.ipMasq, false);
  assert.deepEqual((c.plugins[0]!.ipam as { routes: unknown[] }).routes, []);
  assert.deepEqual(networkRules({ bridge: 'b1', internal: true }), [
    { chain: STAGE1, rule: ['-i', 'b1', '!', '-o', 'b1', '-j', 'DROP'] },
    { chain: STAGE1, rule: ['!', '-i', 'b1', '-o', 'b1', '-j', 'DROP'] },
  ]);
  assert.deepEqual(networkRules({ bridge: 'b1', internal: false }), [
    { chain: STAGE1, rule: ['-i', 'b1', '!', '-o', 'b1', '-j', STAGE2] },
    { chain: STAGE2, rule: ['-o', 'b1', '-j', 'DROP'] },
  ]);
  assert.deepEqual(loopbackConflist().plugins, [{ type: 'loopback' }]);
});

test('the container interface is read from a CNI 1.0 result', () => {
  const result = {
    cniVersion: '1.0.0',
    interfaces: [{ name: 'fo-x', mac: 'aa' }, { name: 'veth1', mac: 'bb' }, { name: 'eth0', mac: '4a:18:29:da:0b:9c', sandbox: '/run/netns/x' }],
    ips: [{ interface: 2, address: '10.88.5.2/24', gateway: '10.88.5.1' }],
  };
  assert.deepEqual(interfaceAddress(result, 'eth0'), { ip: '10.88.5.2', prefixLen: 24, gateway: '10.88.5.1', mac: '4a:18:29:da:0b:9c' });
  assert.equal(interfaceAddress({ cniVersion: '1.0.0' }, 'eth0'), undefined);
});
