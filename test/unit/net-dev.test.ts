/** /proc/<pid>/net/dev parsing (metrics/net-dev.ts). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseNetDev, readNetDev } from '../../src/metrics/net-dev';

const SAMPLE = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:    1200      12    0    0    0     0          0         0     1200      12    0    0    0     0       0          0
  eth0: 5021334    4012    1    2    0     0          0         0   391202    3011    3    4    0     0       0          0
`;

describe('net/dev', () => {
  it('reads each interface but loopback', () => {
    assert.deepEqual(parseNetDev(SAMPLE), {
      eth0: { rxBytes: 5021334, rxPackets: 4012, rxErrors: 1, rxDropped: 2, txBytes: 391202, txPackets: 3011, txErrors: 3, txDropped: 4 },
    });
  });

  it('ignores malformed lines, and a process that is gone reads as undefined', async () => {
    assert.deepEqual(parseNetDev('eth0: 1 2 3\nbad line\n'), {});
    assert.equal(await readNetDev(2 ** 22 + 1), undefined);
    assert.equal(typeof (await readNetDev(process.pid)), 'object');
  });
});
