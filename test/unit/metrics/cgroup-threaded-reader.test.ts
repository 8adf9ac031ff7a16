// The reader the daemon uses (worker threads, each holding its share of cgroups' files) passes the
// CgroupReader conformance suite for both versions, like the in-thread readers it delegates to.
import * as path from 'node:path';
import { ThreadedCgroupReader } from '../../../src/metrics/threaded-reader';
import { runCgroupReaderSuite } from '../../../src/metrics/testsuite';
import { v1Mounts, v1Writer, v2Writer } from './cgroup-fixtures';

const script = path.resolve(__dirname, '..', '..', '..', 'src', 'metrics', 'cgroup-worker.js');

runCgroupReaderSuite('v1 in 2 worker threads', async (dir) => ({
  reader: new ThreadedCgroupReader({ version: 'v1', mounts: v1Mounts(dir) }, { threads: 2, script }),
  write: v1Writer(dir),
}));
runCgroupReaderSuite('v2 in 3 worker threads', async (dir) => ({
  reader: new ThreadedCgroupReader({ version: 'v2', root: dir }, { threads: 3, script }),
  write: v2Writer(dir),
}));
