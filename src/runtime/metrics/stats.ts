/**
 * `stats`: Docker-shaped stats documents of one container. Streamed, one document per interval
 * (each carrying the previous reading as precpu_stats, so clients compute CPU %), until the
 * container stops or the client leaves. Not streamed, one document: read, wait one interval and
 * read again, as Docker does, so the document has a precpu to compare with; `oneShot` skips the
 * wait (and precpu stays empty).
 */
import * as os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DockerStats } from '../../config/container-stats';
import { readHostCpu, toDockerStats, type StatsReading } from '../../metrics';
import type { RuntimeContext } from '../context';
import { findContainer } from '../containers/find-container';
import { collectSamples } from './samples';

export interface StatsOptions {
  /** Default true, as Docker's `stream`. */
  stream?: boolean;
  oneShot?: boolean;
  /** Between readings. Default 1000 ms (Docker's). */
  intervalMs?: number;
  signal?: AbortSignal;
}

export async function* containerStats(rt: RuntimeContext, input: string, options: StatsOptions = {}): AsyncGenerator<DockerStats> {
  const { record } = findContainer(rt, input);
  const container = { id: record.id, name: record.name };
  const interval = options.intervalMs ?? 1000;
  const hostMemoryBytes = os.totalmem();
  const read = async (): Promise<StatsReading> => {
    const [sample] = await collectSamples(rt, { ids: new Set([record.id]), detail: true });
    return { read: new Date(), stats: sample?.stats, host: await readHostCpu() };
  };
  let previous: StatsReading | undefined;
  let now = await read();
  if (options.stream === false) {
    if (!options.oneShot && now.stats && (await pause(interval, options.signal))) {
      previous = now;
      now = await read();
    }
    yield toDockerStats(container, now, previous, { hostMemoryBytes });
    return;
  }
  for (;;) {
    yield toDockerStats(container, now, previous, { hostMemoryBytes });
    // No live task: one all-zero document (what Docker sends for a stopped container), then end.
    if (!now.stats || !(await pause(interval, options.signal))) return;
    previous = now;
    now = await read();
  }
}

/** Waits; false when aborted (the client left). */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  try {
    await sleep(ms, undefined, signal ? { signal } : {});
    return true;
  } catch {
    return false;
  }
}
