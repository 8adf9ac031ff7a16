// The v1 reader (in the calling thread) passes the CgroupReader conformance suite.
import { CgroupV1Reader } from '../../../src/metrics/cgroup-v1/reader';
import { runCgroupReaderSuite } from '../../../src/metrics/testsuite';
import { v1Mounts, v1Writer } from './cgroup-fixtures';

runCgroupReaderSuite('v1', async (dir, options) => ({ reader: new CgroupV1Reader(v1Mounts(dir), options), write: v1Writer(dir) }));
