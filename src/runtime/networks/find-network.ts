/** Finds a network by name, full ID or unique ID prefix (docker's lookup order). */
import { ForgeError } from '../../errors';
import type { NetworkRecord } from '../../state/types';
import type { RuntimeContext } from '../context';

export function findNetwork(rt: RuntimeContext, input: string): NetworkRecord {
  const repo = rt.network.repo;
  const byName = repo.byName(input);
  if (byName) return byName;
  const exact = repo.get(input);
  if (exact) return exact;
  const matches = repo.byIdPrefix(input);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new ForgeError('InvalidArgument', `network ID prefix "${input}" is ambiguous`, { hint: 'give more characters of the ID, or the name' });
  throw new ForgeError('NotFound', `network ${input} not found`, { hint: 'list networks with: forgeone network ls' });
}
