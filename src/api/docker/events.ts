/**
 * Docker's /events: history from the event log between since and until, then live events until
 * `until` passes or the client leaves, each as one JSON message in Docker's shape.
 */
import type { ServerResponse } from 'node:http';
import type { RuntimeContext } from '../../runtime/context';
import type { EventRecord } from '../../state/types';
import { tryFindContainer } from '../../runtime/containers/find-container';
import type { DockerRoutes } from './route';
import { EVENT_FILTERS, parseDockerFilters } from './translate/filters';
import { dockerEvent, matchesEventFilters } from './translate/event-shape';
import { unixTimeNano } from './translate/params';

export function registerDockerEventRoutes(docker: DockerRoutes, rt: RuntimeContext): void {
  // Docker's container events carry the image and the container's labels; while the container
  // exists they are looked up (a removed container's past events keep what they recorded).
  const containerAttributes = (id: string): Record<string, string> => {
    const c = tryFindContainer(rt, id);
    return c ? { ...c.config.labels, image: c.record.image, name: c.record.name } : {};
  };
  docker.route('GET', '/events', ({ res, query }) => {
    const filters = parseDockerFilters(query.get('filters'), EVENT_FILTERS);
    const sinceNano = unixTimeNano(query.get('since'), 'since');
    const untilNano = unixTimeNano(query.get('until'), 'until');
    const send = (r: ServerResponse, e: EventRecord) => {
      const event = dockerEvent(e, containerAttributes);
      if (event && matchesEventFilters(event, filters)) r.write(JSON.stringify(event) + '\n');
    };
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    if (sinceNano !== undefined) {
      for (const e of rt.eventLog.list({ sinceNano, ...(untilNano !== undefined ? { untilNano } : {}) })) send(res, e);
    }
    const nowNano = BigInt(Date.now()) * 1_000_000n;
    if (untilNano !== undefined && untilNano <= nowNano) {
      res.end();
      return;
    }
    const unsubscribe = rt.events.subscribe((e) => {
      if (untilNano !== undefined && e.timeNano > untilNano) return void res.end();
      send(res, e);
    });
    // A future `until` ends the stream at that time even when nothing happens.
    const timer = untilNano !== undefined ? setTimeout(() => res.end(), Number((untilNano - nowNano) / 1_000_000n)) : undefined;
    res.on('close', () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    });
  });
}
