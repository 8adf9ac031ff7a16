/** Finds the container a user means: full ID, name (with or without a leading `/`), or ID prefix. */
import { ForgeError } from '../../errors';
import type { ContainerConfig } from '../../config/container-config';
import type { ContainerRecord, ContainerStateRecord } from '../../state/types';
import type { ContainerState } from '../../lifecycle/container-states';
import type { RuntimeContext } from '../context';

export interface Container {
  record: ContainerRecord;
  config: ContainerConfig;
  state: ContainerStateRecord & { status: ContainerState };
}

export function findContainer(rt: RuntimeContext, input: string): Container {
  const found = tryFindContainer(rt, input);
  if (!found) throw new ForgeError('NotFound', `No such container: ${input}`, { details: { container: input } });
  return found;
}

export function tryFindContainer(rt: RuntimeContext, input: string): Container | undefined {
  const name = input.startsWith('/') ? input.slice(1) : input;
  const record =
    (/^[a-f0-9]{64}$/.test(input) ? rt.containers.get(input) : undefined) ??
    rt.containers.byName(name) ??
    uniquePrefix(rt, input);
  return record ? load(rt, record) : undefined;
}

/** Reloads a container's records (after a lock was taken, state may have moved). */
export function reload(rt: RuntimeContext, id: string): Container {
  const record = rt.containers.get(id);
  if (!record) throw new ForgeError('NotFound', `No such container: ${id}`);
  return load(rt, record);
}

function load(rt: RuntimeContext, record: ContainerRecord): Container {
  const state = rt.containers.state(record.id);
  if (!state) throw new ForgeError('Internal', `container ${record.id} has no state record`);
  return { record, config: record.config as ContainerConfig, state: state as Container['state'] };
}

function uniquePrefix(rt: RuntimeContext, input: string): ContainerRecord | undefined {
  const matches = rt.containers.byIdPrefix(input);
  if (matches.length > 1) {
    throw new ForgeError('InvalidArgument', `container ID prefix "${input}" is ambiguous: it matches ${matches.length} containers`, {
      hint: 'give more characters of the ID, or the name',
    });
  }
  return matches[0];
}
