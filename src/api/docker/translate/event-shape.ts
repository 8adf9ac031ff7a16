/**
 * ForgeOne's event records (topic paths like `/containers/start`, `/tasks/exit`) → Docker's
 * event messages (Type, Action, Actor{ID, Attributes}, scope, time, timeNano), and Docker's
 * event filters applied to them. Pure. Events Docker has no word for are not sent.
 */
import type { EventRecord } from '../../../state/types';
import type { Filters } from './filters';
import { matchLabels } from './filters';

export interface DockerEvent {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
  /** Legacy fields (API < 1.22 readers, still printed by some tools). */
  status?: string;
  id?: string;
  from?: string;
}

/** topic → [Type, Action]. */
const ACTIONS: Record<string, [string, string]> = {
  '/containers/create': ['container', 'create'],
  '/containers/start': ['container', 'start'],
  '/containers/stop': ['container', 'stop'],
  '/containers/kill': ['container', 'kill'],
  '/containers/restart': ['container', 'restart'],
  '/containers/pause': ['container', 'pause'],
  '/containers/unpause': ['container', 'unpause'],
  '/containers/rename': ['container', 'rename'],
  '/containers/destroy': ['container', 'destroy'],
  '/containers/copy': ['container', 'extract-to-dir'],
  '/tasks/exit': ['container', 'die'],
  '/exec/create': ['container', 'exec_create'],
  '/exec/start': ['container', 'exec_start'],
  '/exec/die': ['container', 'exec_die'],
  '/images/pull': ['image', 'pull'],
  '/images/push': ['image', 'push'],
  '/images/tag': ['image', 'tag'],
  '/images/untag': ['image', 'untag'],
  '/images/delete': ['image', 'delete'],
  '/images/load': ['image', 'load'],
  '/images/save': ['image', 'save'],
  '/images/prune': ['image', 'prune'],
  '/containers/prune': ['container', 'prune'],
  '/volumes/create': ['volume', 'create'],
  '/volumes/destroy': ['volume', 'destroy'],
  '/networks/create': ['network', 'create'],
  '/networks/destroy': ['network', 'destroy'],
  '/networks/connect': ['network', 'connect'],
  '/networks/disconnect': ['network', 'disconnect'],
};

export function dockerEvent(e: EventRecord, containerAttributes: (id: string) => Record<string, string> = () => ({})): DockerEvent | undefined {
  const mapped = ACTIONS[e.topic];
  if (!mapped) return undefined;
  const [type, action] = mapped;
  const attributes = type === 'container' && /^[a-f0-9]{64}$/.test(e.actor) ? { ...containerAttributes(e.actor), ...e.attributes } : { ...e.attributes };
  if (type === 'network') attributes.type = 'bridge'; // dockerd names the driver; ForgeOne networks are all bridges
  const timeNano = Number(e.timeNano);
  return {
    Type: type,
    Action: action,
    Actor: { ID: e.actor, Attributes: attributes },
    scope: 'local',
    time: Math.floor(timeNano / 1e9),
    timeNano,
    ...(type === 'container' ? { status: action, id: e.actor, ...(attributes.image ? { from: attributes.image } : {}) } : {}),
  };
}

/** Docker's event filters: values of one key are alternatives; different keys must all match. */
export function matchesEventFilters(e: DockerEvent, filters: Filters): boolean {
  const any = (key: string, test: (v: string) => boolean) => !filters[key]?.length || filters[key]!.some(test);
  const a = e.Actor.Attributes;
  return (
    any('type', (v) => v === e.Type) &&
    any('event', (v) => v === e.Action) &&
    any('container', (v) => e.Type === 'container' && (e.Actor.ID.startsWith(v) || a.name === v)) &&
    any('image', (v) => (e.Type === 'image' && (e.Actor.ID === v || e.Actor.ID.startsWith(v))) || a.image === v || a.id === v) &&
    any('volume', (v) => e.Type === 'volume' && e.Actor.ID === v) &&
    any('network', (v) => e.Type === 'network' && (e.Actor.ID.startsWith(v) || a.name === v)) &&
    any('scope', (v) => v === 'local') &&
    matchLabels(a, filters.label) &&
    !['daemon', 'plugin', 'node', 'service', 'secret', 'config'].some((k) => filters[k]?.length)
  );
}
