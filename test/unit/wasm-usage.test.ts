/** Parsing of /proc/<pid>/stat and status for WASM instance stats (engine/wasm/usage.ts). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { instanceStats, parseCpuTicks, parseStatus, procUsage } from '../../src/engine/wasm/usage';

describe('wasm usage from /proc', () => {
  it('reads utime and stime after a comm holding spaces and parentheses', () => {
    const stat = '4242 (node (wasm) host) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 37 0 0 20 0 7 0 123456 1000000 2000 18446744073709551615';
    assert.deepEqual(parseCpuTicks(stat), { utime: 250, stime: 37 });
    assert.equal(parseCpuTicks('garbage'), undefined);
  });

  it('reads kB lines as bytes and counts as numbers', () => {
    const s = parseStatus('Name:\tnode\nVmRSS:\t   40960 kB\nRssAnon:\t   10240 kB\nThreads:\t7\n');
    assert.equal(s.get('VmRSS'), 40960 * 1024);
    assert.equal(s.get('RssAnon'), 10240 * 1024);
    assert.equal(s.get('Threads'), 7);
  });

  it('measures this process, and shapes stats with the linear memory limit', async () => {
    const u = await procUsage(process.pid);
    assert.ok(u && u.rssBytes > 1024 * 1024 && u.userSeconds + u.systemSeconds > 0);
    const s = instanceStats(u, 1024);
    assert.equal(s.memory?.linearLimitBytes, 64 * 1024 * 1024);
    assert.equal(s.memory?.limitBytes, undefined, 'the process is not bounded by it');
    assert.equal(s.cpu?.usageSeconds, u.userSeconds + u.systemSeconds);
    assert.equal(instanceStats(u, undefined).memory?.linearLimitBytes, undefined, 'no limit: no limit series');
    assert.equal(await procUsage(2 ** 22 + 1), undefined, 'a process that does not exist');
  });
});
