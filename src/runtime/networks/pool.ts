/**
 * A small pool of sandboxes attached to the default bridge ahead of time (issue 8): each is a
 * namespace with loopback up and eth0 added by CNI under a pool ID of its own. A container on
 * the default network with no published ports takes one at start: the pooled namespace is
 * bind-mounted onto the container's namespace path (the one its spec names) and the attachment
 * re-keyed to the container, remembering the CNI container ID DEL needs. `network-sandbox-pool`
 * sandboxes (default 2; 0 turns the pool off), made once the default network is first used (a
 * daemon whose containers never join it never pays for them) and refilled a moment after each
 * start that took one, so the refill's CNI ADD does not compete with that start.
 *
 * Crash safety comes from the existing records: a pooled sandbox is an endpoint row and a
 * namespace file whose "container" does not exist, which is exactly what recovery DELs and
 * removes. A clean daemon stop drains the pool.
 */
import { randomBytes } from 'node:crypto';
import type { ContainerConfig } from '../../config/container-config';
import { loopbackConflist } from '../../network/cni/conflist';
import type { Attachment } from '../../network/types';
import type { EndpointRecord } from '../../state/types';
import type { RuntimeContext } from '../context';
import { attachOne } from './attach';
import { DEFAULT_NETWORK } from './services';

/** Long enough for the start that took a sandbox to reach its task (crun create is ~30-50 ms). */
const REFILL_DELAY_MS = 150;

export class SandboxPool {
  private readonly ready: string[] = [];
  private filling = 0;
  private closed = false;
  private refillTimer: NodeJS.Timeout | undefined;

  constructor(private readonly size: number) {}

  /** After a start on the default network: the pool is (re)filled once that start is done. */
  refillSoon(rt: RuntimeContext): void {
    if (this.size === 0 || this.closed || this.refillTimer) return;
    this.refillTimer = setTimeout(() => {
      this.refillTimer = undefined;
      this.fill(rt);
    }, REFILL_DELAY_MS);
    this.refillTimer.unref();
  }

  /** Tops the pool up in the background (errors are logged; the next start just does ADD). */
  fill(rt: RuntimeContext): void {
    while (!this.closed && this.ready.length + this.filling < this.size) {
      this.filling++;
      this.makeOne(rt)
        .then((id) => {
          if (this.closed) return rt.network.pool.release(rt, id);
          this.ready.push(id);
        })
        .catch((err: unknown) => rt.logger.warn('network sandbox pool: cannot prepare a sandbox', { error: (err as Error).message }))
        .finally(() => this.filling--);
    }
  }

  private async makeOne(rt: RuntimeContext): Promise<string> {
    const net = rt.network.repo.byName(DEFAULT_NETWORK);
    if (!net) throw new Error('no default network');
    const id = randomBytes(32).toString('hex');
    const netns = await rt.network.netns.ensure(id);
    const endpoint = { containerId: id, networkId: net.id, position: 0, aliases: [] };
    rt.network.repo.addEndpoint(endpoint);
    try {
      await rt.network.cni.add(loopbackConflist(), { containerId: id, netns, ifname: 'lo' });
      await attachOne(rt, id, { ...endpoint, attachment: undefined }, 'eth0', []);
      await rt.network.firewall.ensureFirst(); // the firewall plugin may just have put its jump first
    } catch (err) {
      await this.release(rt, id);
      throw err;
    }
    return id;
  }

  /**
   * Gives a pooled sandbox to container `id` when it fits (only the default network, no ports);
   * returns whether it did. The container's endpoint then holds the pooled attachment.
   */
  async adopt(rt: RuntimeContext, id: string, config: ContainerConfig, endpoints: EndpointRecord[]): Promise<boolean> {
    if (this.size === 0 || endpoints.length !== 1 || (config.ports ?? []).length || endpoints[0]!.attachment) return false;
    const net = rt.network.repo.get(endpoints[0]!.networkId);
    if (net?.name !== DEFAULT_NETWORK) return false;
    const poolId = this.ready.shift();
    this.refillSoon(rt);
    if (!poolId) return false;
    const pooled = rt.network.repo.endpointsOf(poolId)[0]?.attachment as Attachment | undefined;
    if (!pooled) return false;
    const started = performance.now();
    await rt.network.netns.adopt(poolId, id);
    // The container's row first: a crash between the two writes leaves two rows for one
    // attachment, and recovery's DELs are idempotent.
    rt.network.repo.setAttachment(id, net.id, { ...pooled, cniContainerId: pooled.cniContainerId ?? poolId } satisfies Attachment);
    rt.network.repo.removeEndpoint(poolId, net.id);
    // The pool's own file is unmounted off the start path (daemon stop waits for it).
    const cleanup: Promise<void> = rt.network.netns
      .remove(poolId)
      .catch((err: unknown) => rt.logger.warn('cannot remove a pooled namespace file', { error: (err as Error).message }))
      .finally(() => rt.network.releases.delete(cleanup));
    rt.network.releases.add(cleanup);
    rt.logger.debug('network sandbox adopted from the pool', { id, ms: Math.round(performance.now() - started) });
    return true;
  }

  /** DEL and removal of one pooled sandbox. */
  async release(rt: RuntimeContext, poolId: string): Promise<void> {
    for (const e of rt.network.repo.endpointsOf(poolId)) {
      const att = e.attachment as Attachment | undefined;
      if (att) {
        await rt.network.cni.del(att.conflist, { containerId: poolId, netns: rt.network.netns.pathOf(poolId), ifname: att.ifname }, att.result).catch(() => undefined);
      }
      rt.network.repo.removeEndpoint(poolId, e.networkId);
    }
    await rt.network.netns.remove(poolId);
  }

  /** At daemon stop: no new sandboxes, the ready ones released. */
  async drain(rt: RuntimeContext): Promise<void> {
    this.closed = true;
    clearTimeout(this.refillTimer);
    while (this.filling > 0) await new Promise((r) => setTimeout(r, 20));
    for (const id of this.ready.splice(0)) await this.release(rt, id);
  }
}
