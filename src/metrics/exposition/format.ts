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

/** The HELP and TYPE lines of a family (OpenMetrics names a counter family without `_total`). */
export function familyHeader(name: string, help: string, type: MetricType, format: ExpositionFormat): string {
  const om = format === 'openmetrics';
  const metaName = om && type === 'counter' ? name.replace(/_total$/, '') : name;
  return `# HELP ${metaName} ${om ? escapeOmHelp(help) : escapeTextHelp(help)}\n# TYPE ${metaName} ${type === 'unknown' && !om ? 'untyped' : type}\n`;
}

/** Families as exposition text, without the OpenMetrics `# EOF` (see `endOfExposition`). */
export function formatFamilies(families: readonly MetricFamily[], format: ExpositionFormat): string {
  // Label sets shared by several samples are rendered once.
  const labelCache = new WeakMap<object, string>();
  const parts: string[] = [];
  for (const family of families) {
    parts.push(familyHeader(family.name, family.help, family.type, format));
    for (const s of family.samples) {
      let labels = labelCache.get(s.labels);
      if (labels === undefined) {
        labels = renderLabels(s.labels, format);
        labelCache.set(s.labels, labels);
      }
      parts.push(`${s.name}${labels} ${formatValue(s.value)}\n`);
    }
  }
  return parts.join('');
}

/** What closes an exposition: `# EOF` for OpenMetrics, nothing for the text format. */
export function endOfExposition(format: ExpositionFormat): string {
  return format === 'openmetrics' ? '# EOF\n' : '';
}

/** `{a="x",b="y"}`, or '' for no labels. */
export function renderLabels(labels: Readonly<Record<string, string>>, format: ExpositionFormat): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  // OpenMetrics wants `le` as a canonical float ("1.0"); the text format takes any Go float.
  const value = (k: string) => (format === 'openmetrics' && k === 'le' ? canonicalFloat(labels[k]!) : labels[k]!);
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
