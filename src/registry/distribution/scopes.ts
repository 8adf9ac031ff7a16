/** Token scopes (Docker's token auth spec) that registry requests ask for, and mount sources. */
import { DEFAULT_DOMAIN } from '../reference';

export function pullScope(path: string): string {
  return `repository:${path}:pull`;
}

/** Push needs pull too (HEAD before upload, mounts): one token covers the whole push. */
export function pushScope(path: string): string {
  return `repository:${path}:pull,push`;
}

/**
 * The repository path of a mount source when it is in `domain`'s registry: `library/busybox`
 * as is, `host/path` when host is `domain`; undefined for another registry (no mount possible).
 */
export function sameRegistryPath(domain: string, from: string): string | undefined {
  const slash = from.indexOf('/');
  const first = slash < 0 ? '' : from.slice(0, slash);
  const hasDomain = first.includes('.') || first.includes(':') || first === 'localhost';
  if (!hasDomain) return from;
  const fromDomain = first === 'index.docker.io' ? DEFAULT_DOMAIN : first;
  return fromDomain === domain ? from.slice(slash + 1) : undefined;
}

/**
 * Merges scopes naming the same resource into one with the union of their actions, sorted, so
 * the registry's `push,pull` and our `pull,push` are one scope (distribution lists actions in
 * random order) and one token in the cache.
 */
export function mergeScopes(scopes: Iterable<string>): string[] {
  const byResource = new Map<string, Set<string>>();
  const opaque: string[] = [];
  for (const scope of scopes) {
    const first = scope.indexOf(':');
    const last = scope.lastIndexOf(':');
    if (first <= 0 || last <= first) {
      if (!opaque.includes(scope)) opaque.push(scope);
      continue;
    }
    const resource = scope.slice(0, last);
    const actions = byResource.get(resource) ?? new Set<string>();
    for (const action of scope.slice(last + 1).split(',')) if (action) actions.add(action);
    byResource.set(resource, actions);
  }
  return [...[...byResource].map(([resource, actions]) => `${resource}:${[...actions].sort().join(',')}`), ...opaque];
}
