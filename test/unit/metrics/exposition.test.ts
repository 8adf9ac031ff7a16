// Exposition: metric naming (Prometheus conventions), the text and OpenMetrics writers, content
// negotiation, and the daemon registry (process metrics that pass promtool's lint, counters that
// keep `_total` in the text format after an OpenMetrics scrape).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTAINER_FAMILIES, renderContainerFamilies } from '../../../src/metrics/exposition/container-families';
import { endOfExposition, formatFamilies, negotiateFormat, type MetricFamily } from '../../../src/metrics/exposition/format';
import { PromDaemonMetrics } from '../../../src/metrics/exposition/daemon-metrics';
import type { ContainerSample } from '../../../src/metrics/types';
import { SAMPLE, expectedStats } from '../../../src/metrics/testsuite';

const running: ContainerSample = {
  id: 'a'.repeat(64), name: 'web', image: 'busybox:latest', engine: 'native', state: 'running', restartCount: 2, startedAt: 1_700_000_000_500,
  stats: { ...expectedStats(SAMPLE), networks: { eth0: { rxBytes: 10, rxPackets: 1, rxErrors: 0, rxDropped: 0, txBytes: 20, txPackets: 2, txErrors: 0, txDropped: 0 } } },
};
const exited: ContainerSample = { id: 'b'.repeat(64), name: 'job "x"\\y', image: 'busybox', engine: 'wasm', state: 'exited', restartCount: 0, startedAt: 1_700_000_000_000, exitCode: 3 };

test('container metric names follow Prometheus conventions', () => {
  const names = CONTAINER_FAMILIES.map((f) => f.name);
  assert.equal(new Set(names).size, names.length, 'no duplicates');
  for (const f of CONTAINER_FAMILIES) {
    assert.match(f.name, /^forgeone_container_[a-z][a-z_]*[a-z]$/, f.name);
    if (f.type === 'counter') assert.match(f.name, /_total$/, `${f.name}: counters end in _total`);
    else assert.doesNotMatch(f.name, /_total$/, `${f.name}: only counters end in _total`);
    // Base units: seconds and bytes, never ms, kb or percent.
    assert.doesNotMatch(f.name, /_(ms|milliseconds|kb|mb|kib|mib|percent)(_|$)/, f.name);
    assert.ok(f.help.length > 10, `${f.name} has help`);
  }
  for (const wanted of [
    'cpu_user_seconds_total', 'cpu_system_seconds_total', 'cpu_throttled_seconds_total', 'cpu_throttled_periods_total', 'memory_usage_bytes',
    'memory_limit_bytes', 'memory_rss_bytes', 'memory_cache_bytes', 'oom_kills_total', 'blkio_read_bytes_total', 'blkio_write_bytes_total',
    'blkio_read_ops_total', 'blkio_write_ops_total', 'pids', 'pids_limit', 'restarts_total', 'state', 'start_time_seconds', 'exit_code',
  ]) {
    assert.ok(names.includes(`forgeone_container_${wanted}`), wanted);
  }
});

/** Samples of a text exposition: enough of a parser for these tests (promtool checks the rest). */
function parseText(text: string): Array<{ name: string; labels: Record<string, string>; value: number }> {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((line) => {
      const m = /^([a-z_]+)(\{.*\})? (\S+)$/.exec(line);
      assert.ok(m, line);
      const labels: Record<string, string> = {};
      for (const [, k, v] of (m[2] ?? '').matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)) labels[k!] = v!.replace(/\\(.)/g, (_x, c: string) => (c === 'n' ? '\n' : c));
      return { name: m[1]!, labels, value: Number(m[3]) };
    });
}

test('every container series carries id, name, image and engine; values in base units', () => {
  const samples = parseText(renderContainerFamilies([running, exited], 'prometheus'));
  for (const s of samples) for (const l of ['id', 'name', 'image', 'engine']) assert.ok(l in s.labels, `${s.name} has ${l}`);
  assert.ok(samples.some((s) => s.labels.name === 'job "x"\\y'), 'label values are escaped and round-trip');
  const one = (name: string, id = running.id) => samples.find((s) => s.name === `forgeone_container_${name}` && s.labels.id === id)?.value;
  assert.equal(one('cpu_user_seconds_total'), 1.5);
  assert.equal(one('cpu_throttled_seconds_total'), 0.12);
  assert.equal(one('memory_working_set_bytes'), SAMPLE.memory!.usage - SAMPLE.memory!.inactiveFile);
  assert.equal(one('start_time_seconds'), 1_700_000_000.5);
  assert.equal(one('restarts_total'), 2);
  assert.equal(one('exit_code', exited.id), 3);
  assert.equal(one('exit_code'), undefined, 'no exit code before an exit');
  assert.equal(one('cpu_user_seconds_total', exited.id), undefined, 'no resource series without a live task');
  const state = samples.filter((s) => s.name === 'forgeone_container_state');
  assert.deepEqual(state.map((s) => [s.labels.id, s.labels.state, s.value]), [[running.id, 'running', 1], [exited.id, 'exited', 1]]);
  const noQuota = parseText(renderContainerFamilies([{ ...running, stats: { cpu: { userSeconds: 1, systemSeconds: 0, usageSeconds: 1, periods: 0, throttledPeriods: 0, throttledSeconds: 0 } } }], 'prometheus'));
  assert.ok(!noQuota.some((s) => /periods|throttled/.test(s.name)), 'no throttling series without a CPU quota');
  const rx = samples.filter((s) => s.name === 'forgeone_container_network_receive_bytes_total');
  assert.deepEqual(rx.map((s) => [s.labels.interface, s.value]), [['eth0', 10]]);
  assert.equal(renderContainerFamilies([], 'prometheus'), '', 'no containers, no families');
});

const family: MetricFamily[] = [
  { name: 'x_seconds_total', help: 'A "counter"\\ with\nnewline', type: 'counter', samples: [{ name: 'x_seconds_total', labels: { a: 'q"\\\n' }, value: 1.5 }] },
  {
    name: 'h_seconds', help: 'hist', type: 'histogram',
    samples: [
      { name: 'h_seconds_bucket', labels: { le: '1' }, value: 1 },
      { name: 'h_seconds_bucket', labels: { le: '+Inf' }, value: 2 },
      { name: 'h_seconds_sum', labels: {}, value: 3 },
      { name: 'h_seconds_count', labels: {}, value: 2 },
    ],
  },
  { name: 'g', help: 'gauge', type: 'gauge', samples: [{ name: 'g', labels: {}, value: NaN }] },
];

test('text format: HELP/TYPE, escaped labels and help, special floats', () => {
  const text = formatFamilies(family, 'prometheus');
  assert.match(text, /^# HELP x_seconds_total A "counter"\\\\ with\\nnewline\n# TYPE x_seconds_total counter\nx_seconds_total\{a="q\\"\\\\\\n"\} 1\.5\n/);
  assert.match(text, /h_seconds_bucket\{le="1"\} 1\n/);
  assert.match(text, /^g NaN$/m);
  assert.doesNotMatch(text, /# EOF/);
});

test('OpenMetrics: counter families named without _total, samples with it, canonical le, # EOF', () => {
  const om = formatFamilies(family, 'openmetrics') + endOfExposition('openmetrics');
  assert.match(om, /^# HELP x_seconds A \\"counter\\"\\\\ with\\nnewline\n# TYPE x_seconds counter\nx_seconds_total\{/);
  assert.match(om, /h_seconds_bucket\{le="1\.0"\} 1\n/);
  assert.match(om, /h_seconds_bucket\{le="\+Inf"\} 2\n/);
  assert.ok(om.endsWith('# EOF\n'));
});

test('content negotiation: OpenMetrics only when asked for', () => {
  assert.equal(negotiateFormat(undefined), 'prometheus');
  assert.equal(negotiateFormat('*/*'), 'prometheus');
  assert.equal(negotiateFormat('application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5'), 'openmetrics');
});

test('daemon registry: misnamed process gauges dropped, counters keep _total after an OpenMetrics scrape', async () => {
  const m = new PromDaemonMetrics({ version: '1.2.3', cgroups: undefined });
  m.apiRequest({ method: 'GET', route: '/v1/containers/{id}/json', status: 200, seconds: 0.002 });
  m.containerStart('native', 0.04);
  m.imagePull('downloaded', 1024);
  const om = await m.render([running], 'openmetrics', 0.001);
  assert.match(om.contentType, /openmetrics-text/);
  assert.match(om.body, /^# TYPE forgeone_image_pulls counter$/m);
  const text = (await m.render([running], 'prometheus', 0.001)).body;
  assert.match(text, /^forgeone_image_pulls_total\{outcome="downloaded"\} 1$/m);
  assert.match(text, /^forgeone_image_pulled_bytes_total 1024$/m);
  assert.match(text, /^process_cpu_user_seconds_total /m);
  assert.match(text, /^forgeone_api_request_duration_seconds_count\{method="GET",route="\/v1\/containers\/\{id\}\/json",status="200"\} 1$/m);
  assert.match(text, /^forgeone_container_start_duration_seconds_count\{engine="native"\} 1$/m);
  assert.match(text, /^forgeone_build_info\{version="1.2.3",cgroup="none"\} 1$/m);
  assert.match(text, /^forgeone_metrics_collect_duration_seconds 0.001$/m);
  for (const line of text.split('\n').filter((l) => l.startsWith('# TYPE'))) {
    const [, , name, type] = line.split(' ');
    if (type !== 'counter') assert.doesNotMatch(name!, /_total$/, `${name} is a ${type}`);
  }
  // The per-container rendering has only container series.
  const only = m.renderContainers([running], 'prometheus').body;
  assert.deepEqual([...new Set(only.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(/[{ ]/)[0]!.replace(/_[a-z]+_total$|_[a-z]+$/, '')))].every((n) => n.startsWith('forgeone_container')), true);
  m.close();
});
