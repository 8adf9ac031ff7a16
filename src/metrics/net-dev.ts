/**
 * Network counters of a container's network namespace, from `/proc/<pid>/net/dev` of a process
 * inside it (the kernel shows the reader's namespace's interfaces there). Loopback is left out,
 * as Docker leaves it out of stats: traffic a container sends itself is not network I/O.
 */
import { promises as fs } from 'node:fs';
import type { NetworkInterfaceStats } from '../config/container-stats';

/**
 * `Inter-|   Receive …` header lines, then `  eth0: rxBytes rxPackets rxErrs rxDrop fifo frame
 * compressed multicast txBytes txPackets txErrs txDrop …` per interface.
 */
export function parseNetDev(text: string): Record<string, NetworkInterfaceStats> {
  const out: Record<string, NetworkInterfaceStats> = {};
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const f = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    if (!name || name === 'lo' || f.length < 16 || f.some((n) => !Number.isFinite(n))) continue;
    out[name] = {
      rxBytes: f[0]!, rxPackets: f[1]!, rxErrors: f[2]!, rxDropped: f[3]!,
      txBytes: f[8]!, txPackets: f[9]!, txErrors: f[10]!, txDropped: f[11]!,
    };
  }
  return out;
}

/** The interfaces (but loopback) of the network namespace `pid` is in; undefined when it is gone. */
export async function readNetDev(pid: number): Promise<Record<string, NetworkInterfaceStats> | undefined> {
  try {
    return parseNetDev(await fs.readFile(`/proc/${pid}/net/dev`, 'utf8'));
  } catch {
    return undefined;
  }
}
