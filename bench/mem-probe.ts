/**
 * A `-r` preload for the daemon under bench/daemon-memory: on SIGUSR2 it writes what the process
 * holds (process.memoryUsage, V8's heap and heap-space statistics, the active libuv resources by
 * type) to $FORGEONE_MEM_PROBE_DIR/<pid>.json, and a heap snapshot into the directory
 * $FORGEONE_MEM_PROBE_SNAPSHOT names when it is set, so memory can be broken down from inside while
 * RSS is read from /proc outside. Only for measurement: nothing in the product loads it.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';

const dir = process.env.FORGEONE_MEM_PROBE_DIR ?? '/tmp';

process.on('SIGUSR2', () => {
  const resources: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) resources[r] = (resources[r] ?? 0) + 1;
  const report = {
    memory: process.memoryUsage(),
    heap: v8.getHeapStatistics(),
    spaces: v8.getHeapSpaceStatistics(),
    resources,
  };
  // A heap snapshot as well when asked (it takes seconds and grows the heap while it is written).
  const snapshots = process.env.FORGEONE_MEM_PROBE_SNAPSHOT;
  if (snapshots) v8.writeHeapSnapshot(path.join(snapshots, `${process.pid}-${Date.now()}.heapsnapshot`));
  writeFileSync(path.join(dir, `${process.pid}.json`), JSON.stringify(report));
});
