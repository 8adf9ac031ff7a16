// The v2 reader (in the calling thread) passes the CgroupReader conformance suite.
import { CgroupV2Reader } from '../../../src/metrics/cgroup-v2/reader';
import { runCgroupReaderSuite } from '../../../src/metrics/testsuite';
import { v2Writer } from './cgroup-fixtures';

runCgroupReaderSuite('v2', async (dir, options) => ({ reader: new CgroupV2Reader(dir, options), write: v2Writer(dir) }));
