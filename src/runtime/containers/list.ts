/** `ps`: containers, running ones only unless `all`, with Docker's filters. */
import { ForgeError } from '../../errors';
import type { ContainerSummary } from '../../config/api-types';
import type { RuntimeContext } from '../context';
import type { Container } from './find-container';
import { containerSummary } from './views';

export interface ListOptions {
  all?: boolean;
  /** Docker's filters: status, name, id, label, ancestor, exited, engine. */
  filters?: Record<string, string[]>;
  limit?: number;
}

export function listContainers(rt: RuntimeContext, options: ListOptions = {}): ContainerSummary[] {
  const states = new Map(rt.containers.allStates().map((s) => [s.id, s]));
  let out: Container[] = rt.containers.list().flatMap((record) => {
    const state = states.get(record.id);
    return state ? [{ record, config: record.config as Container['config'], state: state as Container['state'] }] : [];
  });
  const filters = options.filters ?? {};
  const hasStatusFilter = (filters.status?.length ?? 0) > 0 || (filters.exited?.length ?? 0) > 0;
  if (!options.all && !hasStatusFilter) out = out.filter((c) => c.state.status === 'running' || c.state.status === 'paused' || c.state.status === 'restarting');
  for (const [key, values] of Object.entries(filters)) {
    if (values.length === 0) continue;
    out = out.filter((c) => values.some((v) => matches(c, key, v)));
  }
  if (options.limit && options.limit > 0) out = out.slice(0, options.limit);
  return out.map((c) => containerSummary(rt, c));
}

function matches(c: Container, key: string, value: string): boolean {
  switch (key) {
    case 'status':
      return c.state.status === value;
    case 'name':
      return c.record.name.includes(value.replace(/^\//, ''));
    case 'id':
      return c.record.id.startsWith(value);
    case 'label': {
      const [k, v] = value.split('=', 2) as [string, string | undefined];
      return k in c.config.labels && (v === undefined || c.config.labels[k] === v);
    }
    case 'ancestor':
      return c.record.image === value || c.record.imageId === value || c.record.imageId.startsWith(`sha256:${value}`);
    case 'exited':
      return c.state.status === 'exited' && String(c.state.exitCode ?? 0) === value;
    case 'engine':
      return c.record.engine === value;
    default:
      throw new ForgeError('InvalidArgument', `invalid filter "${key}" (supported: status, name, id, label, ancestor, exited, engine)`);
  }
}
