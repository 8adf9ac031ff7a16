/**
 * Samples of containers for the metrics exposition and stats: identity and lifecycle from the
 * state store, resource stats measured now. Live native tasks are read from their cgroups in one
 * bulk call (metrics/ CgroupReader); an engine that measures its own tasks (`Engine.stats`,
 * e.g. WASM) is asked instead. Network counters come from /proc/<pid>/net/dev of containers
 * attached to a network (their own namespace): `none` has loopback only and `host` shares the
 * host's interfaces, so neither reports any, as with Docker.
 */
import { promises as fs } from 'node:fs';
import { containerPaths } from '../../config/paths';
import type { ResourceStats } from '../../config/container-stats';
import type { RuntimeSpec } from '../../config/runtime-spec';
import type { ContainerState } from '../../lifecycle/container-states';
import type { EngineKind } from '../../engine/types';
import type { ContainerSample } from '../../metrics/types';
import type { ContainerLifecycleRow } from '../../state/containers-repository';
import { readNetDev } from '../../metrics';
import type { RuntimeContext } from '../context';

const LIVE = new Set(['running', 'paused']);

/**
 * cgroupsPath per container ID, from the spec written once at create (so read once per daemon,
 * not per scrape). Keyed by context: tests run several daemons' contexts in one process.
 */
const cgroupPaths = new WeakMap<RuntimeContext, Map<string, string>>();

export interface CollectOptions {
  /** Only these container IDs (one container's metrics or stats); default all. */
  ids?: ReadonlySet<string>;
  /** Every raw memory.stat counter too (Docker-shaped stats). Default false. */
  detail?: boolean;
}

export async function collectSamples(rt: RuntimeContext, options: CollectOptions = {}): Promise<ContainerSample[]> {
  const all = options.ids === undefined;
  const rows = all ? rt.containers.lifecycleRows() : rt.containers.lifecycleRows().filter((r) => options.ids!.has(r.id));
  const stats = new Map<string, ResourceStats>();
  const byCgroup = new Map<string, string>();
  const misses: ContainerLifecycleRow[] = [];
  for (const r of rows) {
    if (!LIVE.has(r.status)) continue;
    const engine = engineOf(rt, r.engine);
    if (engine?.stats) {
      misses.push(r); // asked below, with the cgroup paths not cached yet
      continue;
    }
    const cgroup = cgroupPaths.get(rt)?.get(r.id);
    if (cgroup) byCgroup.set(cgroup, r.id);
    else misses.push(r);
  }
  await Promise.all(
    misses.map(async (r) => {
      const engine = engineOf(rt, r.engine);
      if (engine?.stats) {
        const s = await engine.stats(r.id).catch((err: unknown) => void rt.logger.debug('engine stats failed', { id: r.id, error: (err as Error).message }));
        if (s) stats.set(r.id, s);
        return;
      }
      const cgroup = await cgroupPathOf(rt, r.id);
      if (cgroup) byCgroup.set(cgroup, r.id);
    }),
  );
  if (rt.metrics.cgroups && (byCgroup.size > 0 || all)) {
    const read = await rt.metrics.cgroups.readMany([...byCgroup.keys()], { all, detail: options.detail === true });
    for (const [cgroup, s] of read) stats.set(byCgroup.get(cgroup)!, s);
  }
  await addNetworkCounters(rt, rows, stats);
  if (all) forgetRemoved(rt, rows);
  return rows.map((r): ContainerSample => {
    const s = stats.get(r.id);
    return {
      id: r.id,
      name: r.name,
      image: r.image,
      engine: r.engine,
      state: r.status as ContainerState,
      restartCount: r.restartCount,
      ...(r.startedAt !== undefined ? { startedAt: r.startedAt } : {}),
      ...(r.exitCode !== undefined && r.finishedAt !== undefined ? { exitCode: r.exitCode } : {}),
      ...(s ? { stats: s } : {}),
    };
  });
}

async function addNetworkCounters(rt: RuntimeContext, rows: ContainerLifecycleRow[], stats: Map<string, ResourceStats>): Promise<void> {
  const attached = new Set(rt.network.repo.allEndpoints().map((e) => e.containerId));
  await Promise.all(
    rows.map(async (r) => {
      const s = stats.get(r.id);
      if (!s || r.pid <= 0 || !attached.has(r.id)) return;
      const networks = await readNetDev(r.pid);
      if (networks && Object.keys(networks).length > 0) s.networks = networks;
    }),
  );
}

function engineOf(rt: RuntimeContext, kind: string) {
  try {
    return rt.engine(kind as EngineKind);
  } catch {
    return undefined; // that engine is not configured on this daemon: nothing to measure with
  }
}

async function cgroupPathOf(rt: RuntimeContext, id: string): Promise<string | undefined> {
  let cache = cgroupPaths.get(rt);
  if (!cache) cgroupPaths.set(rt, (cache = new Map()));
  const hit = cache.get(id);
  if (hit !== undefined) return hit;
  try {
    const spec = JSON.parse(await fs.readFile(containerPaths(rt.paths, id).specFile, 'utf8')) as RuntimeSpec;
    const path = spec.linux?.cgroupsPath;
    if (path) cache.set(id, path);
    return path;
  } catch {
    return undefined; // removed meanwhile
  }
}

function forgetRemoved(rt: RuntimeContext, rows: ContainerLifecycleRow[]): void {
  const cache = cgroupPaths.get(rt);
  if (!cache || cache.size <= rows.length) return;
  const ids = new Set(rows.map((r) => r.id));
  for (const id of cache.keys()) if (!ids.has(id)) cache.delete(id);
}
