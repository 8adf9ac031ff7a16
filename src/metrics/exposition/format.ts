/**
 * Writing metric families in the Prometheus text format (0.0.4) and in OpenMetrics 1.0.
 *
 * Why not prom-client's own `registry.metrics()`: its OpenMetrics path renames counters in place
 * (strips `_total` from the metric object), so a text scrape after an OpenMetrics scrape emits
 * counters without `_total` and fails promtool's lint; and container series are produced per
 * scrape from cgroup readings, thousands at a time, which is cheaper to write directly than to
 * push through labelled prom-client metrics. prom-client still owns the daemon's metrics (the
 * registry, histograms, process metrics); its families are converted with `fromPromClient`.
 */
import type { ExpositionFormat } from '../types';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'unknown';

export interface Sample {
  /** The sample's full name (`x_total`, `x_bucket`, `x_sum`). */
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
}

export interface MetricFamily {
  /** The family name; counters include `_total`, as Prometheus' text format names them. */
  name: string;
  help: string;
  type: MetricType;
  samples: Sample[];
}

export const CONTENT_TYPES: Record<ExpositionFormat, string> = {
  prometheus: 'text/plain; version=0.0.4; charset=utf-8',
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
};

/** OpenMetrics when the client lists it in Accept (as Prometheus does when it prefers it). */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  return accept && /application\/openmetrics-text/i.test(accept) ? 'openmetrics' : 'prometheus';
}

export function formatFamilies(families: readonly MetricFamily[], format: ExpositionFormat): string {
  const om = format === 'openmetrics';
  // Label sets are shared by many samples (a container's labels by all its families): render once.
  const labelCache = new WeakMap<object, string>();
  const parts: string[] = [];
  for (const family of families) {
    const metaName = om && family.type === 'counter' ? family.name.replace(/_total$/, '') : family.name;
    const help = om ? escapeOmHelp(family.help) : escapeTextHelp(family.help);
    parts.push(`# HELP ${metaName} ${help}\n# TYPE ${metaName} ${family.type === 'unknown' && !om ? 'untyped' : family.type}\n`);
    for (const s of family.samples) {
      let labels = labelCache.get(s.labels);
      if (labels === undefined) {
        labels = renderLabels(s.labels, om);
        labelCache.set(s.labels, labels);
      }
      parts.push(`${s.name}${labels} ${formatValue(s.value)}\n`);
    }
  }
  if (om) parts.push('# EOF\n');
  return parts.join('');
}

function renderLabels(labels: Readonly<Record<string, string>>, om: boolean): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  // OpenMetrics wants `le` as a canonical float ("1.0"); the text format takes any Go float.
  const value = (k: string) => (om && k === 'le' ? canonicalFloat(labels[k]!) : labels[k]!);
  return `{${keys.map((k) => `${k}="${escapeLabel(value(k))}"`).join(',')}}`;
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function canonicalFloat(text: string): string {
  if (text === '+Inf' || text === '-Inf' || text === 'NaN') return text;
  const n = Number(text);
  if (!Number.isFinite(n)) return text;
  return Number.isInteger(n) && !/e/i.test(String(n)) ? `${n}.0` : String(n);
}

function escapeLabel(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeTextHelp(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeOmHelp(s: string): string {
  return escapeTextHelp(s).replace(/"/g, '\\"');
}

/** prom-client's `registry.getMetricsAsJSON()` output, as families. */
export interface PromClientMetricJson {
  name: string;
  help: string;
  type: string;
  values: Array<{ value: number; labels: Record<string, string | number>; metricName?: string }>;
}

export function fromPromClient(metrics: readonly PromClientMetricJson[]): MetricFamily[] {
  return metrics.map((m) => ({
    name: m.name,
    help: m.help,
    type: (['counter', 'gauge', 'histogram', 'summary'].includes(m.type) ? m.type : 'unknown') as MetricType,
    samples: m.values.map((v) => ({
      name: v.metricName ?? m.name,
      labels: Object.fromEntries(Object.entries(v.labels).map(([k, x]) => [k, String(x)])),
      value: v.value,
    })),
  }));
}
