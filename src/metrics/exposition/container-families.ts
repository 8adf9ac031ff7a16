/**
 * The per-container series (`forgeone_container_*`), from samples taken at scrape time. Every
 * series carries `id`, `name`, `image` and `engine`; units are base units and counters end in
 * `_total` (Prometheus naming). Resource series exist only while a container has a live task and
 * its engine could measure them; lifecycle series (state, restarts, start time, exit code) exist
 * for every container. A limit that is not set has no series (absent means unlimited).
 */
import { CONTAINER_STATES } from '../../lifecycle/container-states';
import type { NetworkInterfaceStats } from '../../config/container-stats';
import type { ContainerSample, ExpositionFormat } from '../types';
import { familyHeader, formatValue, renderLabels, type MetricType } from './format';

type Labels = Readonly<Record<string, string>>;
/** One value, or several with extra labels; undefined for "no series". */
type Value = number | undefined | Array<[extra: Record<string, string>, value: number]>;

interface FamilySpec {
  name: string;
  type: MetricType;
  help: string;
  value: (s: ContainerSample) => Value;
}

const P = 'forgeone_container_';
/**
 * One label object per state, shared by all containers (rendered once per scrape). A single
 * series per container rather than one-hot over seven states: 1/7 of the series at 500 containers,
 * and `count by (state) (forgeone_container_state)` still answers "how many run".
 */
const STATE_LABELS = new Map(CONTAINER_STATES.map((st) => [st, { state: st }]));

/**
 * Throttling counters only for containers with a CPU quota: without one the kernel never
 * counts a period, and three always-zero series per container are a third of an idle scrape.
 */
function throttling(s: ContainerSample, key: 'periods' | 'throttledPeriods' | 'throttledSeconds'): number | undefined {
  const cpu = s.stats?.cpu;
  return cpu && (cpu.periods ?? 0) > 0 ? cpu[key] : undefined;
}

function perInterface(pick: (n: NetworkInterfaceStats) => number): (s: ContainerSample) => Value {
  return (s) => {
    const nets = s.stats?.networks;
    return nets ? Object.entries(nets).map(([iface, n]): [Record<string, string>, number] => [{ interface: iface }, pick(n)]) : undefined;
  };
}

const workingSet = (s: ContainerSample): number | undefined => {
  const m = s.stats?.memory;
  return m?.usageBytes === undefined ? undefined : Math.max(0, m.usageBytes - (m.inactiveFileBytes ?? 0));
};

export const CONTAINER_FAMILIES: readonly FamilySpec[] = [
  { name: `${P}cpu_user_seconds_total`, type: 'counter', help: 'CPU time consumed in user mode.', value: (s) => s.stats?.cpu?.userSeconds },
  { name: `${P}cpu_system_seconds_total`, type: 'counter', help: 'CPU time consumed in kernel mode.', value: (s) => s.stats?.cpu?.systemSeconds },
  { name: `${P}cpu_usage_seconds_total`, type: 'counter', help: 'CPU time consumed in all modes.', value: (s) => s.stats?.cpu?.usageSeconds },
  { name: `${P}cpu_periods_total`, type: 'counter', help: 'CFS enforcement periods elapsed (only with a CPU quota).', value: (s) => throttling(s, 'periods') },
  { name: `${P}cpu_throttled_periods_total`, type: 'counter', help: 'CFS periods in which the container was throttled (only with a CPU quota).', value: (s) => throttling(s, 'throttledPeriods') },
  { name: `${P}cpu_throttled_seconds_total`, type: 'counter', help: 'Time the container was throttled by its CPU quota (only with a CPU quota).', value: (s) => throttling(s, 'throttledSeconds') },
  { name: `${P}memory_usage_bytes`, type: 'gauge', help: 'Memory charged to the container, page cache included.', value: (s) => s.stats?.memory?.usageBytes },
  { name: `${P}memory_working_set_bytes`, type: 'gauge', help: 'Memory usage minus inactive page cache (what the OOM killer looks at).', value: workingSet },
  { name: `${P}memory_limit_bytes`, type: 'gauge', help: 'Memory limit (no series when unlimited).', value: (s) => s.stats?.memory?.limitBytes },
  { name: `${P}wasm_memory_limit_bytes`, type: 'gauge', help: 'Linear memory maximum of a WebAssembly module (its host process uses more).', value: (s) => s.stats?.memory?.linearLimitBytes },
  { name: `${P}memory_rss_bytes`, type: 'gauge', help: 'Anonymous memory (heap, stacks).', value: (s) => s.stats?.memory?.rssBytes },
  { name: `${P}memory_cache_bytes`, type: 'gauge', help: 'Page cache (files read or written, tmpfs).', value: (s) => s.stats?.memory?.cacheBytes },
  { name: `${P}oom_kills_total`, type: 'counter', help: 'Processes killed by the OOM killer in the current task.', value: (s) => s.stats?.memory?.oomKills },
  { name: `${P}blkio_read_bytes_total`, type: 'counter', help: 'Bytes read from block devices.', value: (s) => s.stats?.blkio?.readBytes },
  { name: `${P}blkio_write_bytes_total`, type: 'counter', help: 'Bytes written to block devices.', value: (s) => s.stats?.blkio?.writeBytes },
  { name: `${P}blkio_read_ops_total`, type: 'counter', help: 'Read operations on block devices.', value: (s) => s.stats?.blkio?.readOps },
  { name: `${P}blkio_write_ops_total`, type: 'counter', help: 'Write operations on block devices.', value: (s) => s.stats?.blkio?.writeOps },
  { name: `${P}pids`, type: 'gauge', help: 'Tasks (processes and threads) in the container.', value: (s) => s.stats?.pids?.current },
  { name: `${P}pids_limit`, type: 'gauge', help: 'Most tasks the container may have (no series when unlimited).', value: (s) => s.stats?.pids?.limit },
  { name: `${P}network_receive_bytes_total`, type: 'counter', help: 'Bytes received, per interface.', value: perInterface((n) => n.rxBytes) },
  { name: `${P}network_transmit_bytes_total`, type: 'counter', help: 'Bytes sent, per interface.', value: perInterface((n) => n.txBytes) },
  { name: `${P}network_receive_packets_total`, type: 'counter', help: 'Packets received, per interface.', value: perInterface((n) => n.rxPackets) },
  { name: `${P}network_transmit_packets_total`, type: 'counter', help: 'Packets sent, per interface.', value: perInterface((n) => n.txPackets) },
  { name: `${P}network_receive_errors_total`, type: 'counter', help: 'Receive errors, per interface.', value: perInterface((n) => n.rxErrors) },
  { name: `${P}network_transmit_errors_total`, type: 'counter', help: 'Transmit errors, per interface.', value: perInterface((n) => n.txErrors) },
  { name: `${P}network_receive_dropped_total`, type: 'counter', help: 'Received packets dropped, per interface.', value: perInterface((n) => n.rxDropped) },
  { name: `${P}network_transmit_dropped_total`, type: 'counter', help: 'Packets dropped on send, per interface.', value: perInterface((n) => n.txDropped) },
  { name: `${P}restarts_total`, type: 'counter', help: 'Restarts by the restart policy.', value: (s) => s.restartCount },
  {
    name: `${P}state`,
    type: 'gauge',
    help: 'Lifecycle state: one series, labelled with the current state, always 1.',
    value: (s) => [[STATE_LABELS.get(s.state) ?? { state: s.state }, 1]],
  },
  { name: `${P}start_time_seconds`, type: 'gauge', help: 'Unix time of the last start.', value: (s) => (s.startedAt === undefined ? undefined : s.startedAt / 1000) },
  { name: `${P}exit_code`, type: 'gauge', help: 'Exit code of the last run (no series before the first exit).', value: (s) => s.exitCode },
];

/**
 * The families of these containers as exposition text; families with no series are left out.
 * Written straight to text rather than through MetricFamily objects: at 500 containers this is
 * ~14,000 lines a scrape, and each container's label set is rendered once, not once per line.
 */
export function renderContainerFamilies(samples: readonly ContainerSample[], format: ExpositionFormat): string {
  // `{id="…",name="…",image="…",engine="…"` without the closing brace, so extra labels append.
  const labelHeads = samples.map((s) => renderLabels(containerLabels(s), format).slice(0, -1));
  // Extra label sets are shared (the seven state labels are the same objects for all): render each once.
  const extras = new WeakMap<object, string>();
  const extraText = (extra: Record<string, string>) => {
    let text = extras.get(extra);
    if (text === undefined) extras.set(extra, (text = `,${renderLabels(extra, format).slice(1)}`));
    return text;
  };
  const parts: string[] = [];
  for (const spec of CONTAINER_FAMILIES) {
    const lines: string[] = [];
    samples.forEach((s, i) => {
      const v = spec.value(s);
      if (v === undefined) return;
      if (typeof v === 'number') {
        lines.push(`${spec.name}${labelHeads[i]}} ${formatValue(v)}\n`);
        return;
      }
      for (const [extra, value] of v) lines.push(`${spec.name}${labelHeads[i]}${extraText(extra)} ${formatValue(value)}\n`);
    });
    if (lines.length) parts.push(familyHeader(spec.name, spec.help, spec.type, format), ...lines);
  }
  return parts.join('');
}

export function containerLabels(s: ContainerSample): Labels {
  return { id: s.id, name: s.name, image: s.image, engine: s.engine };
}
