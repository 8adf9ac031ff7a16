/** Native system routes: ping, version, info, disk usage, login, events. */
import { ForgeError } from '../../errors';
import type { RuntimeContext } from '../../runtime/context';
import { systemInfo, version, API_VERSION } from '../../runtime/system-info';
import { diskUsage } from '../../runtime/disk-usage';
import { login } from '../../runtime/login';
import type { Router } from '../router';
import { readJson, sendJson } from '../respond';

export function registerSystemRoutes(router: Router, rt: RuntimeContext): void {
  const ping: Parameters<Router['add']>[2] = ({ res }) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'API-Version': API_VERSION, 'Cache-Control': 'no-cache' });
    res.end('OK');
  };
  router.add('GET', '/_ping', ping);
  router.native('GET', '/_ping', ping);
  router.native('GET', '/version', ({ res }) => sendJson(res, 200, version(rt)));
  router.native('GET', '/info', ({ res }) => sendJson(res, 200, systemInfo(rt)));
  router.native('GET', '/system/df', async ({ res }) => sendJson(res, 200, await diskUsage(rt)));

  router.native('POST', '/auth', async ({ req, res }) => {
    const body = await readJson(req);
    const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : undefined);
    const username = str('username');
    const password = str('password');
    if (!username) throw new ForgeError('InvalidArgument', 'username is required');
    const result = await login(rt, str('serveraddress'), { username, ...(password !== undefined ? { password } : {}) });
    sendJson(res, 200, result);
  });

  router.native('GET', '/events', ({ req, res, query }) => {
    const since = query.get('since');
    const sinceNano = since ? BigInt(Math.floor(Number(since) * 1e9)) : undefined;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const write = (e: { id: number; timeNano: bigint; topic: string; actor: string; attributes: Record<string, string> }) =>
      res.write(JSON.stringify({ id: e.id, timeNano: e.timeNano.toString(), topic: e.topic, actor: e.actor, attributes: e.attributes }) + '\n');
    if (sinceNano !== undefined) for (const e of rt.eventLog.list({ sinceNano })) write(e);
    const unsubscribe = rt.events.subscribe(write);
    req.on('close', unsubscribe);
  });
}
