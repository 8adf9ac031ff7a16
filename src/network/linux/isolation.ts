/**
 * ForgeOne's own iptables rules (filter table), docker's two-stage design:
 *   FORWARD → FORGEONE-ISOLATION-1: a packet entering from a ForgeOne bridge and leaving by
 *   another interface jumps to FORGEONE-ISOLATION-2, which drops it when that interface is
 *   another ForgeOne bridge. So networks cannot reach each other, but can reach the uplink.
 *   An internal network instead drops everything that crosses its bridge either way.
 * The jump sits first in FORWARD, before the CNI firewall plugin's ACCEPTs. Traffic inside one
 * bridge (ICC on a network) is not touched, as docker allows it by default.
 */
import type { NetworkDefinition, NetworkFirewall } from '../types';
import { CommandFailed, runCommand } from '../../util/run-command';

export const STAGE1 = 'FORGEONE-ISOLATION-1';
export const STAGE2 = 'FORGEONE-ISOLATION-2';

type Rule = string[];

export function networkRules(net: Pick<NetworkDefinition, 'bridge' | 'internal'>): Array<{ chain: string; rule: Rule }> {
  const br = net.bridge;
  if (net.internal) {
    return [
      { chain: STAGE1, rule: ['-i', br, '!', '-o', br, '-j', 'DROP'] },
      { chain: STAGE1, rule: ['!', '-i', br, '-o', br, '-j', 'DROP'] },
    ];
  }
  return [
    { chain: STAGE1, rule: ['-i', br, '!', '-o', br, '-j', STAGE2] },
    { chain: STAGE2, rule: ['-o', br, '-j', 'DROP'] },
  ];
}

export class IptablesFirewall implements NetworkFirewall {
  private ready: Promise<void> | undefined;
  private firstChecked: Promise<void> | undefined;

  constructor(private readonly iptables = 'iptables') {}

  private ipt(args: string[]): Promise<string> {
    return runCommand(this.iptables, ['-w', '5', ...args], { packageName: 'iptables' });
  }

  private async exists(chain: string, rule: Rule): Promise<boolean> {
    try {
      await this.ipt(['-t', 'filter', '-C', chain, ...rule]);
      return true;
    } catch (err) {
      if (err instanceof CommandFailed) return false;
      throw err;
    }
  }

  private chains(): Promise<void> {
    this.ready ??= (async () => {
      for (const chain of [STAGE1, STAGE2]) {
        await this.ipt(['-t', 'filter', '-N', chain]).catch((err: unknown) => {
          if (!(err instanceof CommandFailed) || !/exists/i.test(err.stderr)) throw err;
        });
      }
      await this.putFirst();
    })().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  /**
   * Checked once per daemon and after each network create: the CNI firewall plugin inserts its
   * jump only when it is missing, so once ForgeOne's is first it stays first; checking on every
   * container start would cost an iptables call on the start path (issue 8).
   */
  async ensureFirst(): Promise<void> {
    this.firstChecked ??= this.putFirst().catch((err: unknown) => {
      this.firstChecked = undefined;
      throw err;
    });
    return this.firstChecked;
  }

  private async putFirst(): Promise<void> {
    const rules = (await this.ipt(['-t', 'filter', '-S', 'FORWARD'])).split('\n').filter((l) => l.startsWith('-A FORWARD'));
    if (rules[0] === `-A FORWARD -j ${STAGE1}`) return;
    if (rules.includes(`-A FORWARD -j ${STAGE1}`)) await this.ipt(['-t', 'filter', '-D', 'FORWARD', '-j', STAGE1]);
    await this.ipt(['-t', 'filter', '-I', 'FORWARD', '1', '-j', STAGE1]);
  }

  async addNetwork(net: Pick<NetworkDefinition, 'bridge' | 'internal'>): Promise<void> {
    await this.chains();
    this.firstChecked = undefined; // a new network: the next start checks the order again
    for (const { chain, rule } of networkRules(net)) {
      if (!(await this.exists(chain, rule))) await this.ipt(['-t', 'filter', '-A', chain, ...rule]);
    }
  }

  async removeNetwork(net: Pick<NetworkDefinition, 'bridge' | 'internal'>): Promise<void> {
    for (const { chain, rule } of networkRules(net)) {
      while (await this.exists(chain, rule)) await this.ipt(['-t', 'filter', '-D', chain, ...rule]);
    }
  }
}
