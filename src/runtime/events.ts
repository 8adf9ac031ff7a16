/**
 * Publishes lifecycle events: each is appended to the event log first, then handed to live
 * subscribers (`forgeone events`). Topics are paths: /images/pull, /containers/start.
 */
import { EventEmitter } from 'node:events';
import type { EventsRepository } from '../state/events-repository';
import type { EventRecord } from '../state/types';

export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor(private readonly log: EventsRepository) {
    this.emitter.setMaxListeners(0);
  }

  publish(topic: string, actor: string, attributes: Record<string, string> = {}): EventRecord {
    const timeNano = BigInt(Date.now()) * 1_000_000n;
    const record = this.log.append(topic, actor, attributes, timeNano);
    this.emitter.emit('event', record);
    return record;
  }

  /** Resolves on the next event with this topic and actor. */
  waitFor(topic: string, actor: string, signal?: AbortSignal): Promise<EventRecord> {
    return new Promise((resolve, reject) => {
      const off = this.subscribe((e) => {
        if (e.topic === topic && e.actor === actor) {
          off();
          resolve(e);
        }
      });
      signal?.addEventListener('abort', () => {
        off();
        reject(signal.reason);
      });
    });
  }

  subscribe(listener: (event: EventRecord) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
