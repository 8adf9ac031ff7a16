/** The event log: every lifecycle event, appended before it is published to subscribers. */
import type { Db } from './database';
import type { EventRecord } from './types';

interface EventRow {
  id: number;
  time_nano: bigint;
  topic: string;
  actor: string;
  attributes: string;
}

export class EventsRepository {
  constructor(private readonly db: Db) {}

  append(topic: string, actor: string, attributes: Record<string, string>, timeNano: bigint): EventRecord {
    const info = this.db
      .prepare('INSERT INTO events (time_nano, topic, actor, attributes) VALUES (?, ?, ?, ?)')
      .run(timeNano, topic, actor, JSON.stringify(attributes));
    return { id: Number(info.lastInsertRowid), timeNano, topic, actor, attributes };
  }

  /** Events after `sinceNano` (inclusive) and up to `untilNano`, oldest first. */
  list(options: { sinceNano?: bigint; untilNano?: bigint; limit?: number } = {}): EventRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM events WHERE time_nano >= ? AND time_nano <= ? ORDER BY id LIMIT ?')
      .safeIntegers(true)
      .all(options.sinceNano ?? 0n, options.untilNano ?? 9_223_372_036_854_775_807n, options.limit ?? 10_000) as EventRow[];
    return rows.map((r) => ({
      id: Number(r.id),
      timeNano: BigInt(r.time_nano),
      topic: r.topic,
      actor: r.actor,
      attributes: JSON.parse(r.attributes) as Record<string, string>,
    }));
  }
}
