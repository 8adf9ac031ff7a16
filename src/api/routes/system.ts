/** Native system routes: ping, version, info, disk usage, login, events. */
import { ForgeError } from '../../errors';
import type { RuntimeContext } from '../../runtime/context';
import { systemInfo, version, API_VERSION } from '../../runtime/system-info';
import { diskUsage } from '../../runtime/disk-usage';
import { login } from '../../runtime/login';
import type { Router } from '../router';
import type { EventRecord } from '../../state/types';
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

  router.native('GET', '/events', ({ res, query }) => {
    const seconds = (name: string) => {
      const v = query.get(name);
      if (v === null) return undefined;
      if (!/^\d+(\.\d+)?$/.test(v)) throw new ForgeError('InvalidArgument', `${name} must be unix seconds, got "${v}"`);
      return BigInt(Math.floor(Number(v) * 1e9));
    };
    const sinceNano = seconds('since');
    const untilNano = seconds('until');
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const write = (e: EventRecord) =>
      res.write(JSON.stringify({ id: e.id, timeNano: e.timeNano.toString(), topic: e.topic, actor: e.actor, attributes: e.attributes }) + '\n');
    if (sinceNano !== undefined || untilNano !== undefined) {
      for (const e of rt.eventLog.list({ ...(sinceNano !== undefined ? { sinceNano } : {}), ...(untilNano !== undefined ? { untilNano } : {}) })) write(e);
    }
    // With an end time in the past, the stream is history only (Docker's --until).
    if (untilNano !== undefined && untilNano <= BigInt(Date.now()) * 1_000_000n) {
      res.end();
      return;
    }
    const unsubscribe = rt.events.subscribe((e) => {
      if (untilNano !== undefined && e.timeNano > untilNano) return void res.end();
      write(e);
    });
    res.on('close', unsubscribe);
  });
}
