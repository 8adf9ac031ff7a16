/** `network ls` and `network inspect`: docker's NetworkResource shapes. */
import type { NetworkResource } from '../../config/api-types';
import type { RuntimeContext } from '../context';
import { findNetwork } from './find-network';
import { matchesFilters, networkResource } from './views';

export function listNetworks(rt: RuntimeContext, filters: Record<string, string[]> = {}): NetworkResource[] {
  return rt.network.repo
    .all()
    .filter((n) => matchesFilters(n, filters))
    .map((n) => networkResource(rt, n));
}

export function inspectNetwork(rt: RuntimeContext, input: string): NetworkResource {
  return networkResource(rt, findNetwork(rt, input));
}
