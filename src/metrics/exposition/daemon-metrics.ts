/**
 * DaemonMetrics on prom-client: the daemon's own families (API latency by route and status,
 * container start latency by engine, pulls and bytes pulled, build info, the cost of the last
 * collection, and prom-client's Node process metrics) in one registry, rendered together with
 * the container families of each scrape.
 */
import { readdir } from 'node:fs/promises';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CgroupReader, ContainerSample, DaemonMetrics, Exposition, ExpositionFormat } from '../types';
import { renderContainerFamilies } from './container-families';
import { CONTENT_TYPES, endOfExposition, formatFamilies, fromPromClient, type PromClientMetricJson } from './format';

export interface DaemonMetricsOptions {
  version: string;
  cgroups: CgroupReader | undefined;
  /** prom-client's Node process metrics (CPU, memory, fds, event loop lag, GC). Default true. */
  processMetrics?: boolean;
}

const API_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const START_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

export class PromDaemonMetrics implements DaemonMetrics {
  readonly cgroups: CgroupReader | undefined;
  private readonly registry = new Registry();
  private readonly apiDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly startDuration: Histogram<'engine'>;
  private readonly pulls: Counter<'outcome'>;
  private readonly pulledBytes: Counter;
  private readonly collectDuration: Gauge;

  constructor(options: DaemonMetricsOptions) {
    this.cgroups = options.cgroups;
    const registers = [this.registry];
    if (options.processMetrics ?? true) {
      collectDefaultMetrics({ register: this.registry });
      dropMisnamedGauges(this.registry);
      countOpenFdsAsync(this.registry);
    }
    this.apiDuration = new Histogram({
      name: 'forgeone_api_request_duration_seconds',
      help: 'Time to answer an API request, by method, route pattern and status (streams: until they end).',
      labelNames: ['method', 'route', 'status'],
      buckets: API_BUCKETS,
      registers,
    });
    this.startDuration = new Histogram({
      name: 'forgeone_container_start_duration_seconds',
      help: "Time for an engine to create and start a container's task.",
      labelNames: ['engine'],
      buckets: START_BUCKETS,
      registers,
    });
    this.pulls = new Counter({ name: 'forgeone_image_pulls_total', help: 'Image pulls, by outcome.', labelNames: ['outcome'], registers });
    this.pulledBytes = new Counter({ name: 'forgeone_image_pulled_bytes_total', help: 'Bytes fetched from registries by pulls.', registers });
    this.collectDuration = new Gauge({
      name: 'forgeone_metrics_collect_duration_seconds',
      help: 'Time the last scrape spent reading container stats.',
      registers,
    });
    const info = new Gauge({ name: 'forgeone_build_info', help: 'Version of the daemon and the cgroup version it reads; always 1.', labelNames: ['version', 'cgroup'], registers });
    info.set({ version: options.version, cgroup: options.cgroups?.version ?? 'none' }, 1);
  }

  apiRequest(r: { method: string; route: string; status: number; seconds: number }): void {
    this.apiDuration.observe({ method: METHODS.has(r.method) ? r.method : 'OTHER', route: r.route, status: String(r.status) }, r.seconds);
  }

  containerStart(engine: string, seconds: number): void {
    this.startDuration.observe({ engine }, seconds);
  }

  imagePull(outcome: string, bytes: number): void {
    this.pulls.inc({ outcome });
    if (bytes > 0) this.pulledBytes.inc(bytes);
  }

  async render(containers: readonly ContainerSample[], format: ExpositionFormat, collectSeconds: number): Promise<Exposition> {
    this.collectDuration.set(collectSeconds);
    const own = fromPromClient((await this.registry.getMetricsAsJSON()) as unknown as PromClientMetricJson[]);
    const body = formatFamilies(own, format) + renderContainerFamilies(containers, format) + endOfExposition(format);
    return { contentType: CONTENT_TYPES[format], body };
  }

  renderContainers(containers: readonly ContainerSample[], format: ExpositionFormat): Exposition {
    return { contentType: CONTENT_TYPES[format], body: renderContainerFamilies(containers, format) + endOfExposition(format) };
  }

  close(): void {
    this.cgroups?.close();
  }
}

/**
 * prom-client 15 names three gauges `nodejs_active_{handles,requests,resources}_total`, which
 * promtool's lint rejects (only counters end in `_total`, HOST-NOTES 18). They are the sums of
 * the labelled `nodejs_active_*` gauges next to them, so nothing is lost by dropping them. Done
 * by rule rather than by name, so a later prom-client that adds another such gauge is caught too.
 */
function dropMisnamedGauges(registry: Registry): void {
  for (const metric of registry.getMetricsAsArray()) {
    const { name, type } = metric as unknown as { name: string; type: string };
    if (type !== 'counter' && name.endsWith('_total')) registry.removeSingleMetric(name);
  }
}

/**
 * prom-client counts open fds with readdirSync('/proc/self/fd') on every scrape. The cgroup
 * readers keep ~9 files open per running container, so with 500 containers that is a listing of
 * ~5000 entries, 5 ms of event loop held per scrape (measured). Same metric, listed off-thread.
 */
function countOpenFdsAsync(registry: Registry): void {
  if (!registry.getSingleMetric('process_open_fds')) return;
  registry.removeSingleMetric('process_open_fds');
  new Gauge({
    name: 'process_open_fds',
    help: 'Number of open file descriptors.',
    registers: [registry],
    async collect() {
      // Minus the descriptor of the listing itself.
      const fds = await readdir('/proc/self/fd').catch(() => undefined);
      if (fds) this.set(fds.length - 1);
    },
  });
}
