/**
 * A small router for the API: patterns like `/images/{name*}/json` (a `*` parameter may span
 * slashes, as image names do), registered under the native prefix `/v1`; Docker-compatible
 * routes are registered bare and under `/v1.NN` in one place (STYLE.md 8).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The Docker API version asked for in the path (`/v1.45/…`), if any. */
  apiVersion: string | undefined;
}

export type Handler = (ctx: RouteContext) => Promise<void> | void;

/**
 * A handler of a hijacked connection (`Connection: Upgrade`, Docker's attach and exec start):
 * it gets the raw socket once the router has answered 101.
 */
export interface UpgradeContext {
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  params: Record<string, string>;
  query: URLSearchParams;
  apiVersion: string | undefined;
}
export type UpgradeHandler = (ctx: UpgradeContext) => Promise<void> | void;

interface Route {
  method: string;
  regex: RegExp;
  keys: string[];
  handler: Handler;
  /** The pattern as registered (`/v1/containers/{id}/json`): a bounded metrics label. */
  pattern: string;
}

function compile(pattern: string): { regex: RegExp; keys: string[] } {
  const keys: string[] = [];
  const source = pattern
    .split(/(\{[a-zA-Z]+\*?\})/)
    .map((part) => {
      const m = /^\{([a-zA-Z]+)(\*?)\}$/.exec(part);
      if (!m) return part.replace(/[.+?^$()|[\]\\]/g, '\\$&');
      keys.push(m[1]!);
      return m[2] ? '(.+?)' : '([^/]+)';
    })
    .join('');
  return { regex: new RegExp(`^${source}/?$`), keys };
}

export class Router {
  private readonly routes: Route[] = [];
  private readonly upgrades: Array<{ method: string; regex: RegExp; keys: string[]; handler: UpgradeHandler }> = [];

  /** A hijacking route, native (/v1) or Docker-compatible (bare and /v1.NN). */
  upgrade(method: string, pattern: string, handler: UpgradeHandler, flavour: 'native' | 'docker' = 'native'): void {
    if (flavour === 'native') {
      const { regex, keys } = compile(`/v1${pattern}`);
      this.upgrades.push({ method, regex, keys, handler });
      return;
    }
    const { regex, keys } = compile(pattern);
    this.upgrades.push({ method, regex, keys, handler });
    this.upgrades.push({ method, regex: new RegExp(`^/v(1\\.[0-9]+)${regex.source.slice(1)}`), keys: ['__version', ...keys], handler });
  }

  matchUpgrade(method: string, pathname: string): { handler: UpgradeHandler; params: Record<string, string> } | undefined {
    for (const route of this.upgrades) {
      const m = route.regex.exec(pathname);
      if (!m || route.method !== method) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1]!)));
      return { handler: route.handler, params };
    }
    return undefined;
  }

  /** A native route: served under /v1. */
  native(method: string, pattern: string, handler: Handler): void {
    this.add(method, `/v1${pattern}`, handler);
  }

  /** A route served exactly at `pattern`. */
  add(method: string, pattern: string, handler: Handler): void {
    const { regex, keys } = compile(pattern);
    this.routes.push({ method, regex, keys, handler, pattern });
  }

  /** A Docker-compatible route: served bare and under any `/v1.NN` prefix. */
  docker(method: string, pattern: string, handler: Handler): void {
    this.add(method, pattern, handler);
    const { regex, keys } = compile(pattern);
    this.routes.push({ method, regex: new RegExp(`^/v(1\\.[0-9]+)${regex.source.slice(1)}`), keys: ['__version', ...keys], handler, pattern: `/v{version}${pattern}` });
  }

  match(method: string, pathname: string): { handler: Handler; params: Record<string, string>; pattern: string } | 'method-not-allowed' | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.regex.exec(pathname);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method && !(method === 'HEAD' && route.method === 'GET')) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1]!)));
      return { handler: route.handler, params, pattern: route.pattern };
    }
    return pathMatched ? 'method-not-allowed' : undefined;
  }
}
