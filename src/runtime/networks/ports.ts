/**
 * Host ports for a container about to start: a port another container publishes (attached or
 * being attached) or a host process holds is a Conflict before anything is set up; port 0
 * becomes a free port. Runs under the network mutex, and the choice is held in reservedPorts
 * until the attachment is saved, so two starts at once never get the same port.
 */
import type { PortRequest } from '../../config/port-spec';
import { checkHostPort, conflictError, pickHostPort } from '../../network/host-ports';
import type { Attachment, PortMapping } from '../../network/types';
import type { RuntimeContext } from '../context';
import { settleReleases } from './services';

function overlapping(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}

function portsInUse(rt: RuntimeContext, exceptContainer: string): PortMapping[] {
  const out: PortMapping[] = [];
  for (const e of rt.network.repo.allEndpoints()) {
    if (e.containerId === exceptContainer) continue;
    out.push(...((e.attachment as Attachment | undefined)?.ports ?? []));
  }
  for (const [id, ports] of rt.network.reservedPorts) if (id !== exceptContainer) out.push(...ports);
  return out;
}

export async function reservePorts(rt: RuntimeContext, containerId: string, requests: readonly PortRequest[]): Promise<PortMapping[]> {
  if (!requests.length) return [];
  await settleReleases(rt.network); // a port of a container just removed is free once its DEL is done
  return rt.network.mutex.run(async () => {
    const used = portsInUse(rt, containerId);
    const chosen: PortMapping[] = [];
    for (const r of requests) {
      const taken = [...used, ...chosen].filter((u) => u.protocol === r.protocol && overlapping(u.hostIp, r.hostIp));
      let hostPort = r.hostPort;
      if (hostPort === 0) {
        hostPort = await pickHostPort(r.protocol, r.hostIp, new Set(taken.map((t) => t.hostPort)));
      } else {
        if (taken.some((t) => t.hostPort === hostPort)) throw conflictError(hostPort, r.protocol, r.hostIp, 'another container publishes it');
        await checkHostPort(r.protocol, hostPort, r.hostIp);
      }
      chosen.push({ hostPort, containerPort: r.containerPort, protocol: r.protocol, ...(r.hostIp ? { hostIp: r.hostIp } : {}) });
    }
    rt.network.reservedPorts.set(containerId, chosen);
    return chosen;
  });
}
