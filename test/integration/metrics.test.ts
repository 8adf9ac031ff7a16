/**
 * Metrics end to end (root): real busybox containers under conmon + crun with known load, read
 * through the daemon's /metrics, /v1/containers/{id}/metrics and stats, checked with promtool and
 * an OpenMetrics parser; `forgeone stats --no-stream`; the metrics-address TCP listener.
 * On the test hosts cgroups are v1 (hybrid), so this exercises the v1 reader through the daemon;
 * metrics-cgroups.test.ts reads real v1 and v2 files directly.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { readAll } from '../../src/api/client';
import type { DockerStats } from '../../src/config/container-stats';
import { startBusyboxDaemon, type BusyboxDaemon } from '../fixtures/busybox-daemon';
import { FORGEONE_BIN } from '../fixtures/daemon';
import { freePort } from '../fixtures/registry';
import { seriesValue, waitFor } from '../fixtures/metrics';

const OM = 'application/openmetrics-text; version=1.0.0';
const MiB = 1024 * 1024;

describe('metrics: real containers, real cgroups', () => {
  let env: BusyboxDaemon;
  let port: number;
  const ok = async (args: string[]) => {
    const r = await env.daemon.cli(args);
    assert.equal(r.code, 0, `forgeone ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  const get = async (path: string, accept?: string) => {
    const res = await env.daemon.client.request('GET', path, accept ? { headers: { Accept: accept } } : {});
    return { type: String(res.headers['content-type']), body: await readAll(res) };
  };
  const scrape = async () => (await get('/metrics')).body;
  const value = (text: string, name: string, id: string) => seriesValue(text, `forgeone_container_${name}`, id);

  before(async () => {
    port = await freePort();
    env = await startBusyboxDaemon({ config: { 'metrics-address': `127.0.0.1:${port}` } });
  });
  after(async () => {
    await env.teardown();
  });

  it('a busy loop: user CPU seconds grow by about the wall time, CPU % near one CPU', async () => {
    const id = await ok(['run', '-d', '--name', 'burner', env.ref, 'sh', '-c', 'while :; do :; done']);
    const t0 = performance.now();
    const a = value(await scrape(), 'cpu_user_seconds_total', id)!;
    await new Promise((r) => setTimeout(r, 2000));
    const b = value(await scrape(), 'cpu_user_seconds_total', id)!;
    const wall = (performance.now() - t0) / 1000;
    // One runnable thread gets at most one CPU; on a 2-core host shared with the daemon, at least a quarter.
    assert.ok(b - a > wall * 0.25 && b - a < wall + 0.3, `user CPU grew ${b - a}s in ${wall}s`);
    assert.ok(value(await scrape(), 'cpu_system_seconds_total', id)! < b - a, 'a shell loop spends its time in user mode');
    const stats = await env.daemon.client.json<DockerStats>('GET', `/v1/containers/${id}/stats`, { query: { stream: '0' } });
    const cpuDelta = stats.cpu_stats.cpu_usage.total_usage - stats.precpu_stats.cpu_usage.total_usage;
    const sysDelta = stats.cpu_stats.system_cpu_usage! - stats.precpu_stats.system_cpu_usage!;
    const percent = (cpuDelta / sysDelta) * stats.cpu_stats.online_cpus! * 100;
    assert.ok(percent > 25 && percent < 110, `CPU % of a busy loop: ${percent}`);
    await ok(['rm', '-f', id]);
  });

  it('a CPU quota: throttling is counted, and CPU time stays within the quota', async () => {
    const id = await ok(['run', '-d', '--cpus', '0.2', env.ref, 'sh', '-c', 'while :; do :; done']);
    // The readings' true interval is bounded by the wall time around both scrapes (a scrape can take
    // a while on a loaded host): the quota bounds CPU time by 0.2 of that.
    const t0 = performance.now();
    const a = await scrape();
    await new Promise((r) => setTimeout(r, 1500));
    const b = await scrape();
    const wall = (performance.now() - t0) / 1000;
    const periods = value(b, 'cpu_periods_total', id)! - (value(a, 'cpu_periods_total', id) ?? 0);
    const throttled = value(b, 'cpu_throttled_periods_total', id)! - (value(a, 'cpu_throttled_periods_total', id) ?? 0);
    assert.ok(periods >= 10, `CFS periods (100 ms each) in 1.5 s: ${periods}`);
    assert.ok(throttled >= periods / 2, `a busy loop at 0.2 CPU is throttled in most periods: ${throttled}/${periods}`);
    assert.ok(value(b, 'cpu_throttled_seconds_total', id)! > (value(a, 'cpu_throttled_seconds_total', id) ?? 0));
    const used = value(b, 'cpu_usage_seconds_total', id)! - value(a, 'cpu_usage_seconds_total', id)!;
    assert.ok(used < wall * 0.2 + 0.1, `CPU used in ${wall.toFixed(2)} s at --cpus 0.2: ${used}`);
    await ok(['rm', '-f', id]);
  });

  it('dd of 20 MB: page cache and usage grow by ~20 MB; block I/O never goes backwards', async () => {
    const id = await ok(['run', '-d', env.ref, 'sleep', '1000']);
    const before = await scrape();
    await ok(['exec', id, 'dd', 'if=/dev/zero', 'of=/tmp/x', 'bs=1M', 'count=20']);
    const after = await scrape();
    const cache = value(after, 'memory_cache_bytes', id)! - value(before, 'memory_cache_bytes', id)!;
    const usage = value(after, 'memory_usage_bytes', id)! - value(before, 'memory_usage_bytes', id)!;
    assert.ok(cache >= 19 * MiB && cache <= 24 * MiB, `page cache grew by ${cache}`);
    assert.ok(usage >= 19 * MiB, `usage grew by ${usage}`);
    // The test hosts' kernel (6.x, v1 blkio) accounts nothing here: writes go to the page cache and
    // blk-throttle counts only throttled groups. Where a kernel does count, it only grows.
    for (const m of ['blkio_write_bytes_total', 'blkio_write_ops_total']) assert.ok(value(after, m, id)! >= value(before, m, id)!, m);
    await ok(['rm', '-f', id]);
  });

  it('a memory allocation: usage and rss rise; the limit and pids limit are reported', async () => {
    const id = await ok(['run', '-d', '-m', '256m', env.ref, 'sh', '-c', 'sleep 2; head -c 20000000 /dev/zero | tr "\\0" a | awk "{ s = s \\$0 } END { print \\"ready\\"; system(\\"sleep 1000\\") }"']);
    const before = await scrape();
    await waitFor(async () => (await ok(['logs', id])).includes('ready'), 30_000);
    const after = await scrape();
    const rss = value(after, 'memory_rss_bytes', id)! - value(before, 'memory_rss_bytes', id)!;
    assert.ok(rss >= 20_000_000, `rss grew by ${rss}`);
    assert.ok(value(after, 'memory_usage_bytes', id)! - value(before, 'memory_usage_bytes', id)! >= 20_000_000);
    assert.equal(value(after, 'memory_limit_bytes', id), 256 * MiB);
    assert.equal(value(after, 'pids_limit', id), 2048, 'the default pids limit');
    await ok(['rm', '-f', id]);
  });

  it('pids: the count matches the processes in the container', async () => {
    const id = await ok(['run', '-d', '--name', 'three', env.ref, 'sh', '-c', 'sleep 1000 & sleep 1000 & wait']);
    await waitFor(async () => value(await scrape(), 'pids', id) === 3, 10_000);
    const top = await env.daemon.client.json<{ Processes: string[][] }>('GET', `/v1/containers/${id}/top`);
    assert.equal(top.Processes.length, 3);
  });

  it('network: packets sent on the bridge are counted on eth0, loopback is not; --network none reports no interface', async () => {
    const id = await ok(['run', '-d', env.ref, 'sh', '-c', 'ping -c 5 -i 0.2 $(ip route | awk \'/default/ {print $3}\') >/dev/null; ping -c 20 -i 0.1 127.0.0.1 >/dev/null; sleep 1000']);
    const tx = (text: string) => seriesValue(text, 'forgeone_container_network_transmit_packets_total', id);
    await waitFor(async () => (tx(await scrape()) ?? 0) >= 5, 15_000);
    const text = await scrape();
    assert.match(text, new RegExp(`forgeone_container_network_transmit_packets_total\\{id="${id}",[^}]*interface="eth0"\\} \\d+`));
    assert.doesNotMatch(text, new RegExp(`network_[a-z_]+\\{id="${id}",[^}]*interface="lo"`), 'loopback is left out');
    assert.ok((seriesValue(text, 'forgeone_container_network_receive_bytes_total', id) ?? 0) > 0, 'the replies came back');
    const [row] = (await ok(['stats', '--no-stream', '--format', 'json', id])).split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    assert.doesNotMatch(row!.NetIO!, /^0B \/ 0B$/, `NET I/O ${row!.NetIO}`);
    const none = await ok(['run', '-d', '--network', 'none', env.ref, 'sleep', '1000']);
    await waitFor(async () => seriesValue(await scrape(), 'forgeone_container_pids', none) !== undefined, 10_000);
    assert.equal(seriesValue(await scrape(), 'forgeone_container_network_transmit_packets_total', none), undefined);
    await ok(['rm', '-f', id, none]);
  });

  it('restart: the new cgroup is read (files held open for the old one are reopened)', async () => {
    const id = await ok(['run', '-d', env.ref, 'sh', '-c', 'while :; do :; done']);
    await new Promise((r) => setTimeout(r, 1000));
    const busy = value(await scrape(), 'cpu_usage_seconds_total', id)!;
    await ok(['restart', '-t', '0', id]);
    const text = await scrape();
    assert.ok(value(text, 'cpu_usage_seconds_total', id)! < busy, 'CPU time starts again from the new cgroup');
    assert.equal(value(text, 'pids', id), 1);
    assert.equal(value(text, 'restarts_total', id), 0, 'a user restart is not a policy restart');
    await ok(['rm', '-f', id]);
  });

  it('promtool check metrics passes on a real scrape; OpenMetrics parses; text stays valid after it', async () => {
    const exited = await ok(['run', '-d', env.ref, 'sh', '-c', 'exit 3']);
    await ok(['wait', exited]);
    const text = await scrape();
    assert.match(text, new RegExp(`forgeone_container_exit_code\\{id="${exited}"[^}]*\\} 3\\n`));
    assert.match(text, /^forgeone_container_start_duration_seconds_count\{engine="native"\} [1-9]/m);
    assert.match(text, /^forgeone_image_pulls_total\{outcome="downloaded"\} 1$/m);
    assert.match(text, /^forgeone_api_request_duration_seconds_count\{method="POST",route="\/v1\/containers\/\{id\}\/start",status="204"\} [1-9]/m);
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(lint.status, 0, `promtool: ${lint.stdout}${lint.stderr}`);
    const om = await get('/metrics', OM);
    assert.match(om.type, /^application\/openmetrics-text; version=1.0.0/);
    const parsed = execFileSync('/usr/bin/python3', ['-c', 'import sys\nfrom prometheus_client.openmetrics.parser import text_string_to_metric_families as p\nprint(len(list(p(sys.stdin.read()))))'], { input: om.body, encoding: 'utf8' });
    assert.ok(Number(parsed) > 20, `OpenMetrics families: ${parsed}`);
    const again = spawnSync('promtool', ['check', 'metrics'], { input: await scrape(), encoding: 'utf8' });
    assert.equal(again.status, 0, `promtool after an OpenMetrics scrape: ${again.stdout}${again.stderr}`);
  });

  it("the per-container endpoint returns only that container's series", async () => {
    const id = await ok(['ps', '-q', '--no-trunc', '-f', 'name=three']);
    const { type, body } = await get('/v1/containers/three/metrics');
    assert.match(type, /^text\/plain; version=0.0.4/);
    const samples = body.split('\n').filter((l) => l && !l.startsWith('#'));
    assert.ok(samples.length >= 15, `${samples.length} series`);
    for (const line of samples) {
      assert.match(line, /^forgeone_container_/, line);
      assert.ok(line.includes(`id="${id}"`), line);
    }
    assert.equal(value(body, 'pids', id), 3);
    assert.equal(spawnSync('promtool', ['check', 'metrics'], { input: body }).status, 0);
    await assert.rejects(get('/v1/containers/no-such/metrics'), { code: 'NotFound' });
  });

  it('stats streams a document a second, each with the previous reading as precpu', async () => {
    const res = await env.daemon.client.request('GET', '/v1/containers/three/stats', { query: { stream: '1' } });
    const docs: DockerStats[] = [];
    let buffered = '';
    for await (const chunk of res) {
      buffered += (chunk as Buffer).toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      docs.push(...lines.filter(Boolean).map((l) => JSON.parse(l) as DockerStats));
      if (docs.length >= 2) break;
    }
    res.destroy();
    assert.equal(docs[1]!.preread, docs[0]!.read);
    assert.deepEqual(docs[1]!.precpu_stats.cpu_usage, docs[0]!.cpu_stats.cpu_usage);
    assert.equal(docs[1]!.pids_stats.current, 3);
  });

  it('stats --no-stream prints a row per running container', async () => {
    const second = await ok(['run', '-d', '--name', 'idle', env.ref, 'sleep', '1000']);
    const running = (await ok(['ps', '-q'])).split('\n').filter(Boolean);
    const out = await ok(['stats', '--no-stream']);
    const [header, ...rows] = out.split('\n');
    assert.match(header!, /^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+NET I\/O\s+BLOCK I\/O\s+PIDS$/);
    assert.equal(rows.length, running.length);
    assert.deepEqual(rows.map((r) => r.slice(0, 12)).sort(), running.map((r) => r.slice(0, 12)).sort());
    assert.match(rows.find((r) => r.startsWith(second.slice(0, 12)))!, /idle\s+\d+\.\d\d%\s+[\d.]+[KMG]?i?B \/ [\d.]+[KMG]iB\s+\d+\.\d\d%\s+[\d.]+[kMG]?B \/ [\d.]+[kMG]?B\s+\S+ \/ \S+\s+1$/);
    const json = (await ok(['stats', '--no-stream', '--format', 'json', 'three'])).split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    assert.equal(json.length, 1);
    assert.equal(json[0]!.Name, 'three');
    assert.equal(json[0]!.PIDs, '3');
    assert.equal((await ok(['stats', '--no-stream', '--format', '{{.Name}}:{{.PIDs}}', 'idle'])), 'idle:1');
    const missing = await env.daemon.cli(['stats', '--no-stream', 'no-such']);
    assert.equal(missing.code, 1);
  });

  it('stats (streaming, not a terminal) prints a frame a second until interrupted', async () => {
    const child = spawn(process.execPath, [FORGEONE_BIN, '--host', `unix://${env.daemon.socket}`, 'stats', 'three', 'idle'], { env: { ...process.env, FORGEONE_NO_AUTOSTART: '1' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((r) => setTimeout(r, 2600));
    child.kill('SIGINT');
    await new Promise((r) => child.once('close', r));
    const frames = out.split(/^CONTAINER ID/m).slice(1);
    assert.ok(frames.length >= 2, `frames: ${frames.length}\n${out}`);
    assert.doesNotMatch(out, /\x1b\[2J/, 'no screen clearing when stdout is not a terminal');
    const last = frames.at(-1)!.split('\n').filter(Boolean).slice(1);
    assert.deepEqual(last.map((l) => l.split(/\s+/)[1]), ['three', 'idle'], 'the named containers, in the order given');
  });

  it('metrics-address serves /metrics over TCP, only /metrics, only on the address asked', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /^forgeone_container_pids\{/m);
    assert.equal((await fetch(`http://127.0.0.1:${port}/v1/containers/json`)).status, 404, 'the API is not on the TCP listener');
    assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST' })).status, 400);
    const other = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
    if (other) await assert.rejects(fetch(`http://${other.address}:${port}/metrics`), 'not bound on other addresses');
  });
});
