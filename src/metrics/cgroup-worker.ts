/**
 * Worker-thread side of ThreadedCgroupReader: owns an in-thread reader (and its open files) and
 * answers `readMany` requests. Reading synchronously here blocks nothing but this thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ResourceStats } from '../config/container-stats';
import { createReader, type ReaderChoice } from './create-reader';

export interface WorkerRequest {
  seq: number;
  paths: string[];
  all: boolean;
  detail: boolean;
}

export interface WorkerReply {
  seq: number;
  entries?: Array<[string, ResourceStats]>;
  error?: string;
}

const port = parentPort;
if (port) {
  // Slices are pointless off the main thread: read each batch in one go.
  const reader = createReader(workerData as ReaderChoice, { sliceMs: Number.POSITIVE_INFINITY });
  port.on('message', (req: WorkerRequest) => {
    const reply = (r: WorkerReply) => port.postMessage(r);
    if (!reader) return reply({ seq: req.seq, entries: [] });
    reader.readMany(req.paths, { all: req.all, detail: req.detail }).then(
      (stats) => reply({ seq: req.seq, entries: [...stats] }),
      (err: unknown) => reply({ seq: req.seq, error: (err as Error).message }),
    );
  });
}
