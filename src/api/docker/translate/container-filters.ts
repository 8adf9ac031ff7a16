/**
 * The container filters Docker has beyond the ones runtime/containers/list.ts applies: label
 * (every value must match), before/since (relative to another container), volume, network,
 * health, is-task. Pure (the caller gives each container's networks).
 */
import { ForgeError } from '../../../errors';
import type { ContainerSummary, NetworkSettings } from '../../../config/api-types';
import { matchLabels, type Filters } from './filters';

function createdOf(list: ContainerSummary[], ref: string): number {
  const c = list.find((x) => x.Id.startsWith(ref) || x.Names.includes(`/${ref.replace(/^\//, '')}`));
  if (!c) throw new ForgeError('NotFound', `No such container: ${ref}`);
  return c.Created;
}

/** `networksOf`: a container's endpoints (the `network` filter matches a network's name or ID prefix). */
export function dockerContainerFilter(list: ContainerSummary[], filters: Filters, networksOf: (id: string) => NetworkSettings | undefined = () => undefined): ContainerSummary[] {
  let out = list.filter((c) => matchLabels(c.Labels, filters.label));
  for (const ref of filters.before ?? []) {
    const t = createdOf(list, ref);
    out = out.filter((c) => c.Created < t);
  }
  for (const ref of filters.since ?? []) {
    const t = createdOf(list, ref);
    out = out.filter((c) => c.Created > t);
  }
  if (filters.volume?.length) out = out.filter((c) => c.Mounts.some((m) => filters.volume!.some((v) => m.Name === v || m.Destination === v || m.Source === v)));
  if (filters.network?.length) {
    out = out.filter((c) => Object.entries(networksOf(c.Id)?.Networks ?? {}).some(([name, e]) => filters.network!.some((n) => n === name || (n.length >= 12 && e.NetworkID.startsWith(n)))));
  }
  // No health checks yet: only `none` matches.
  if (filters.health?.length) out = out.filter(() => filters.health!.includes('none'));
  if (filters['is-task']?.length) out = out.filter(() => filters['is-task']!.includes('false'));
  return out;
}
