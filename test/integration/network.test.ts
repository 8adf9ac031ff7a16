/**
 * Networking end to end (issue 7) with the real CLI, daemon, crun, CNI plugins and iptables:
 * the default bridge, user networks with names and aliases, published ports answering from the
 * host, isolation between networks, internal networks, --network none/host, and no leak of
 * veths, namespaces, IP leases or iptables rules after a daemon crash. All traffic stays on this
 * machine: test subnets are 172.29.x/24 and 10.88.x/24 on bridges this file creates and removes.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { randomInt } from 'node:crypto';
import { startBusyboxDaemon, type BusyboxDaemon } from '../fixtures/busybox-daemon';
import { processesMentioning } from '../fixtures/host-state';
import type { NetworkResource, NetworkSettings } from '../../src/config/api-types';

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function httpGet(port: number, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path: '/index.html', timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

describe('networking through CNI', () => {
  let env: BusyboxDaemon;
  const tag = randomInt(0x1000, 0xffff).toString(16);
  const octet = randomInt(1, 250);
  const netA = `fo-a-${tag}`;
  const netB = `fo-b-${tag}`;
  const netC = `fo-c-${tag}`;
  const cli = (args: string[]) => env.daemon.cli(args);
  const ok = async (args: string[]) => {
    const r = await cli(args);
    // On failure the daemon's last log lines say why (CNI errors are logged there).
    assert.equal(r.code, 0, `forgeone ${args.join(' ')}: ${r.stderr}\n--- daemon log (tail) ---\n${env.daemon.log.slice(-3000)}`);
    return r.stdout;
  };
  const inspect = async (name: string) => JSON.parse(await ok(['inspect', name]))[0] as { NetworkSettings: NetworkSettings; Id: string };
  const ipOn = async (name: string, network: string) => (await inspect(name)).NetworkSettings.Networks[network]!.IPAddress;
  // A web server in busybox: httpd serving /tmp/index.html with the container's name in it.
  const web = (name: string) => ['sh', '-c', `echo hello-${name} > /tmp/index.html; exec httpd -f -p 80 -h /tmp`];
  // busybox-static's wget crashes (SIGSEGV, also on the host): fetch with nc instead.
  const fetch = (host: string) => ['sh', '-c', `printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${host} 80 | tail -n 1`];

  before(async () => {
    env = await startBusyboxDaemon();
  });
  after(async () => {
    const root = env.daemon.root;
    const { 'bridge-name': defaultBridge } = JSON.parse(readFileSync(env.daemon.configFile, 'utf8')) as { 'bridge-name': string };
    await env.teardown();
    assert.doesNotMatch(sh('iptables-save', []), new RegExp(defaultBridge), 'test daemon bridge rules removed');
    assert.doesNotMatch(sh('ip', ['-o', 'link']), new RegExp(`${defaultBridge}:`));
    for (const n of [netA, netB, netC]) assert.doesNotMatch(sh('iptables-save', []), new RegExp(n));
    assert.deepEqual(processesMentioning(root), []);
  });

  it('the default bridge gives an address, a default route and loopback', async () => {
    const out = await ok(['run', '--rm', env.ref, 'sh', '-c', 'ip -4 -o addr show; ip route']);
    assert.match(out, /lo\s+inet 127\.0\.0\.1\/8/);
    assert.match(out, /eth0\s+inet 172\.29\.\d+\.\d+\/24/);
    assert.match(out, /default via 172\.29\.\d+\.1 dev eth0/);
    const etc = await ok(['run', '--rm', '--dns', '10.1.2.3', '--add-host', 'gw.test:10.9.8.7', '--hostname', 'h1', env.ref, 'sh', '-c', 'cat /etc/resolv.conf /etc/hosts; hostname']);
    assert.match(etc, /^nameserver 10\.1\.2\.3$/m);
    assert.match(etc, /^10\.9\.8\.7\tgw\.test$/m);
    assert.match(etc, /^172\.29\.\d+\.\d+\th1$/m);
    assert.match(etc, /^h1$/m);
    const list = await ok(['network', 'ls']);
    assert.match(list, /\bbridge\b/);
  });

  it('--network none has only loopback; --network host sees the host', async () => {
    const none = await ok(['run', '--rm', '--network', 'none', env.ref, 'ip', '-o', 'link']);
    assert.deepEqual(none.trim().split('\n').map((l) => l.split(':')[1]!.trim()), ['lo']);
    const host = await ok(['run', '--rm', '--network', 'host', env.ref, 'ip', '-o', 'link']);
    assert.match(host, /eth0/);
    assert.match(host, new RegExp(`fot[0-9a-f]{8}|lo`));
  });

  it('two containers on a user network reach each other by name and alias', async () => {
    await ok(['network', 'create', '--subnet', `10.88.${octet}.0/24`, netA]);
    await ok(['run', '-d', '--name', `a1-${tag}`, '--network', netA, '--network-alias', `web-${tag}`, env.ref, ...web('a1')]);
    const byName = await ok(['run', '--rm', '--network', netA, env.ref, ...fetch(`a1-${tag}`)]);
    assert.equal(byName.trim(), 'hello-a1');
    const byAlias = await ok(['run', '--rm', '--network', netA, env.ref, ...fetch(`web-${tag}`)]);
    assert.equal(byAlias.trim(), 'hello-a1');
    const ip = await ipOn(`a1-${tag}`, netA);
    assert.match(ip, new RegExp(`^10\\.88\\.${octet}\\.\\d+$`));
    const ping = await ok(['run', '--rm', '--network', netA, env.ref, 'ping', '-c', '1', '-W', '2', `a1-${tag}`]);
    assert.match(ping, /1 packets received/);
    const shown = JSON.parse(await ok(['network', 'inspect', netA]))[0];
    assert.equal(shown.IPAM.Config[0].Subnet, `10.88.${octet}.0/24`);
    assert.equal(Object.keys(shown.Containers).length, 1);
  });

  it('a published port answers from the host on 127.0.0.1; inspect shows it; a taken port is a Conflict', async () => {
    const port = await freePort();
    await ok(['run', '-d', '--name', `p1-${tag}`, '-p', `127.0.0.1:${port}:80`, env.ref, ...web('p1')]);
    let body = '';
    for (let i = 0; i < 20 && body === ''; i++) body = await httpGet(port).catch(() => (sleep(100).then(() => '')));
    assert.equal(body.trim(), 'hello-p1');
    const settings = (await inspect(`p1-${tag}`)).NetworkSettings;
    assert.deepEqual(settings.Ports['80/tcp'], [{ HostIp: '127.0.0.1', HostPort: String(port) }]);
    assert.match(settings.IPAddress, /^172\.29\./);
    assert.match(settings.SandboxKey, /netns/);
    assert.equal((await ok(['port', `p1-${tag}`])).trim(), `80/tcp -> 127.0.0.1:${port}`);
    assert.match(await ok(['ps']), new RegExp(`127\\.0\\.0\\.1:${port}->80/tcp\\s+p1-${tag}`));
    const clash = await cli(['run', '-d', '--name', `p2-${tag}`, '-p', `127.0.0.1:${port}:80`, env.ref, ...web('p2')]);
    assert.equal(clash.code, 125);
    assert.match(clash.stderr, new RegExp(`port ${port}/tcp is already in use`));
    // A host process holding a port: refused too.
    const holder = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => holder.once('listening', r));
    const held = (holder.address() as net.AddressInfo).port;
    const hostClash = await cli(['run', '--rm', '-p', `127.0.0.1:${held}:80`, env.ref, 'true']);
    holder.close();
    assert.equal(hostClash.code, 125);
    assert.match(hostClash.stderr, /already in use/);
    // -p CTR: a free host port, reported by inspect.
    await ok(['run', '-d', '--name', `p3-${tag}`, '-p', '80', env.ref, ...web('p3')]);
    const p3 = (await inspect(`p3-${tag}`)).NetworkSettings.Ports['80/tcp']![0]!;
    assert.equal(p3.HostIp, '0.0.0.0');
    assert.ok(Number(p3.HostPort) > 0);
    let body3 = '';
    for (let i = 0; i < 20 && body3 === ''; i++) body3 = await httpGet(Number(p3.HostPort)).catch(() => (sleep(100).then(() => '')));
    assert.equal(body3.trim(), 'hello-p3');
    // UDP (busybox has no UDP server to answer): the mapping is programmed and shown.
    const udpPort = await freePort();
    await ok(['run', '-d', '--name', `u1-${tag}`, '-p', `127.0.0.1:${udpPort}:5000/udp`, env.ref, 'sleep', '100']);
    const u1 = (await inspect(`u1-${tag}`)).NetworkSettings;
    assert.deepEqual(u1.Ports['5000/udp'], [{ HostIp: '127.0.0.1', HostPort: String(udpPort) }]);
    assert.match(sh('iptables-save', ['-t', 'nat']), new RegExp(`-d 127\\.0\\.0\\.1/32 -p udp -m udp --dport ${udpPort} -j DNAT --to-destination ${u1.IPAddress.replace(/\./g, '\\.')}:5000`));
    await ok(['rm', '-f', `p1-${tag}`, `p2-${tag}`, `p3-${tag}`, `u1-${tag}`]);
  });

  it('containers on two different networks cannot reach each other', async () => {
    await ok(['network', 'create', '--subnet', `10.88.${octet + 1}.0/24`, netB]);
    const ipA = await ipOn(`a1-${tag}`, netA);
    const r = await cli(['run', '--rm', '--network', netB, env.ref, ...fetch(`${ipA}`)]);
    assert.doesNotMatch(r.stdout, /hello/, 'net B reached a container on net A');
    // Same network still works (the control).
    const same = await ok(['run', '--rm', '--network', netA, env.ref, ...fetch(`${ipA}`)]);
    assert.equal(same.trim(), 'hello-a1');
    const bridgeA = JSON.parse(await ok(['network', 'inspect', netA]))[0].Options['com.docker.network.bridge.name'] as string;
    assert.match(sh('iptables', ['-S', 'FORGEONE-ISOLATION-2']), new RegExp(`-o ${bridgeA} -j DROP`));
    assert.equal(sh('iptables', ['-S', 'FORWARD']).split('\n')[1], '-A FORWARD -j FORGEONE-ISOLATION-1', 'isolation comes first in FORWARD');
  });

  it('network connect plugs a running container into another network, disconnect unplugs it', async () => {
    await ok(['run', '-d', '--name', `c1-${tag}`, '--network', netB, env.ref, 'sleep', '1000']);
    await ok(['network', 'connect', '--alias', `cee-${tag}`, netA, `c1-${tag}`]);
    const links = await ok(['exec', `c1-${tag}`, 'ip', '-o', '-4', 'addr']);
    assert.match(links, /eth1\s+inet 10\.88\./);
    assert.equal((await ok(['exec', `c1-${tag}`, ...fetch(`a1-${tag}`)])).trim(), 'hello-a1');
    // a1 sees the new peer by its alias (its /etc/hosts was rewritten in place).
    assert.match(await ok(['exec', `a1-${tag}`, 'cat', '/etc/hosts']), new RegExp(`cee-${tag}`));
    assert.ok((await inspect(`c1-${tag}`)).NetworkSettings.Networks[netA]);
    await ok(['network', 'disconnect', netA, `c1-${tag}`]);
    assert.doesNotMatch(await ok(['exec', `c1-${tag}`, 'ip', '-o', 'link']), /eth1/);
    assert.doesNotMatch(await ok(['exec', `a1-${tag}`, 'cat', '/etc/hosts']), new RegExp(`cee-${tag}`));
    await ok(['rm', '-f', `c1-${tag}`]);
  });

  it('an --internal network has no way out', async () => {
    await ok(['network', 'create', '--internal', '--subnet', `10.88.${octet + 2}.0/24`, netC]);
    const routes = await ok(['run', '--rm', '--network', netC, env.ref, 'ip', 'route']);
    assert.doesNotMatch(routes, /default/);
    const ipA = await ipOn(`a1-${tag}`, netA);
    const r = await cli(['run', '--rm', '--network', netC, env.ref, ...fetch(`${ipA}`)]);
    assert.doesNotMatch(r.stdout, /hello/);
    const masq = sh('iptables-save', ['-t', 'nat']);
    assert.doesNotMatch(masq, new RegExp(`10\\.88\\.${octet + 2}\\.\\d+/32.*MASQUERADE`));
  });

  it('bad input: unknown network, aliases on the default bridge, removing a network in use or the default one', async () => {
    const unknown = await cli(['run', '--rm', '--network', 'no-such-net', env.ref, 'true']);
    assert.equal(unknown.code, 125);
    assert.match(unknown.stderr, /network no-such-net not found/);
    const alias = await cli(['run', '--rm', '--network-alias', 'x', env.ref, 'true']);
    assert.match(alias.stderr, /user-defined networks/);
    const badPort = await cli(['run', '--rm', '-p', '99999:80', env.ref, 'true']);
    assert.match(badPort.stderr, /invalid port spec/);
    const inUse = await cli(['network', 'rm', netA]);
    assert.match(inUse.stderr, /has active endpoints/);
    const builtin = await cli(['network', 'rm', 'bridge']);
    assert.match(builtin.stderr, /pre-defined network/);
    const overlap = await cli(['network', 'create', '--subnet', `10.88.${octet}.0/25`, `fo-x-${tag}`]);
    assert.match(overlap.stderr, /overlaps network/);
    const dup = await cli(['network', 'create', netA]);
    assert.match(dup.stderr, /already exists/);
  });

  it('after kill -9 of the daemon and a restart, removing leaves no veth, netns, lease or rule behind', async () => {
    const port = await freePort();
    await ok(['run', '-d', '--name', `k1-${tag}`, '--network', netA, '-p', `127.0.0.1:${port}:80`, env.ref, ...web('k1')]);
    await ok(['run', '-d', '--name', `k2-${tag}`, '--network', netB, env.ref, 'sleep', '1000']);
    const ids = [(await inspect(`a1-${tag}`)).Id, (await inspect(`k1-${tag}`)).Id, (await inspect(`k2-${tag}`)).Id];
    const ips = [await ipOn(`a1-${tag}`, netA), await ipOn(`k1-${tag}`, netA), await ipOn(`k2-${tag}`, netB)];
    const k2pid = Number(await ok(['inspect', '-f', '{{.State.Pid}}', `k2-${tag}`]));
    await env.daemon.kill9();
    process.kill(k2pid, 'SIGKILL'); // dies while no daemon runs
    await sleep(300);
    await env.daemon.launch();
    assert.equal((await httpGet(port)).trim(), 'hello-k1', 're-adopted container still published');
    assert.equal((await ok(['inspect', '-f', '{{.State.Status}}', `k2-${tag}`])).trim(), 'exited');
    // rm returns before CNI DEL is done (it runs in the background): a crash right then must not leak.
    await ok(['run', '-d', '--name', `k3-${tag}`, '--network', netA, '-p', '127.0.0.1::80', env.ref, 'sleep', '1000']);
    ids.push((await inspect(`k3-${tag}`)).Id);
    ips.push(await ipOn(`k3-${tag}`, netA));
    await ok(['rm', '-f', `k3-${tag}`]);
    await env.daemon.kill9();
    await env.daemon.launch();
    await ok(['rm', '-f', `a1-${tag}`, `k1-${tag}`, `k2-${tag}`]);
    const bridges = JSON.parse(await ok(['network', 'inspect', netA, netB, netC])).map((n: NetworkResource) => n.Options['com.docker.network.bridge.name']!);
    await ok(['network', 'rm', netA, netB, netC]);
    const links = sh('ip', ['-o', 'link']);
    for (const b of bridges) assert.doesNotMatch(links, new RegExp(`${b}[:@]`), `bridge ${b} removed`);
    const defaultBridge = JSON.parse(await ok(['network', 'inspect', 'bridge']))[0].Options['com.docker.network.bridge.name'];
    assert.equal(sh('ip', ['-o', 'link', 'show', 'master', defaultBridge]).trim(), '', 'no veth left on the default bridge');
    const netnsDir = path.join(env.daemon.runroot, 'netns');
    assert.deepEqual(existsSync(netnsDir) ? readdirSync(netnsDir) : [], []);
    const ipam = path.join(env.daemon.root, 'network', 'ipam');
    const leases = existsSync(ipam) ? readdirSync(ipam).flatMap((d) => readdirSync(path.join(ipam, d)).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f))) : [];
    assert.deepEqual(leases, []);
    const rules = sh('iptables-save', []);
    for (const id of ids) assert.doesNotMatch(rules, new RegExp(id));
    for (const ip of ips) assert.doesNotMatch(rules, new RegExp(`${ip.replace(/\./g, '\\.')}/32`));
    for (const b of bridges) assert.doesNotMatch(rules, new RegExp(`${b}\\b`));
  });
});

describe('networking: the sandbox pool (network-sandbox-pool)', () => {
  let env: BusyboxDaemon;
  let subnetPrefix = '';
  const ok = async (args: string[]) => {
    const r = await env.daemon.cli(args);
    assert.equal(r.code, 0, `forgeone ${args.join(' ')}: ${r.stderr}\n--- daemon log (tail) ---\n${env.daemon.log.slice(-3000)}`);
    return r.stdout;
  };
  const pooled = () => {
    const dir = path.join(env.daemon.runroot, 'netns');
    return existsSync(dir) ? readdirSync(dir).length : 0;
  };
  const waitPooled = async (n: number) => {
    for (let i = 0; i < 100 && pooled() !== n; i++) await sleep(50);
    assert.equal(pooled(), n, 'the pool filled');
  };

  before(async () => {
    env = await startBusyboxDaemon({ config: { 'network-sandbox-pool': 2 } });
    const config = JSON.parse(readFileSync(env.daemon.configFile, 'utf8')) as { 'bridge-subnet': string };
    subnetPrefix = config['bridge-subnet'].replace(/\.0\/24$/, '.');
  });
  after(async () => {
    await env.teardown();
    assert.doesNotMatch(sh('iptables-save', []), new RegExp(`${subnetPrefix.replace(/\./g, '\\.')}\\d+/32`), 'no rule left for a pooled address');
  });

  it('a container on the default network gets a pooled sandbox: address, route, DEL at rm; the pool refills', async () => {
    // Made at the first use of the default network, not before.
    await ok(['run', '--rm', '--network', 'none', env.ref, 'true']);
    await sleep(300);
    assert.equal(pooled(), 0, 'no pool before the default network is used');
    await ok(['run', '--rm', env.ref, 'true']);
    await waitPooled(2);
    const out = await ok(['run', '--rm', env.ref, 'sh', '-c', 'ip -4 -o addr show; ip route']);
    assert.match(out, /lo\s+inet 127\.0\.0\.1\/8/);
    assert.match(out, new RegExp(`eth0\\s+inet ${subnetPrefix.replace(/\./g, '\\.')}\\d+/24`));
    assert.match(out, /default via/);
    await ok(['run', '-d', '--name', 'pooled', env.ref, 'sleep', '1000']);
    const ip = JSON.parse(await ok(['inspect', 'pooled']))[0].NetworkSettings.IPAddress as string;
    assert.match(await ok(['exec', 'pooled', 'ip', '-4', '-o', 'addr', 'show', 'eth0']), new RegExp(`inet ${ip.replace(/\./g, '\\.')}/24`));
    await ok(['rm', '-f', 'pooled']);
    await waitPooled(2);
    // A daemon crash leaves pooled sandboxes behind: recovery releases them and the pool refills.
    await env.daemon.kill9();
    await env.daemon.launch();
    await ok(['run', '--rm', env.ref, 'true']);
    await waitPooled(2);
    const leases = () => readdirSync(path.join(env.daemon.root, 'network', 'ipam', 'bridge')).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f));
    for (let i = 0; i < 100 && leases().length !== 2; i++) await sleep(50);
    assert.equal(leases().length, 2, `only the new pool's leases remain: ${leases().join(' ')}`);
    assert.match(env.daemon.log, /releasing the network of a container that stopped while the daemon was down|collecting a leaked IP lease/);
  });
});
