/**
 * At daemon start: the pre-defined `bridge` network exists and matches the daemon config
 * (bridge-name, bridge-subnet), and ForgeOne's firewall rules are in place for every network
 * (after a host reboot they are gone; programming them is idempotent).
 */
import { ForgeError } from '../../errors';
import { defaultGateway, formatSubnet, parseSubnet } from '../../network/subnets';
import type { RuntimeContext } from '../context';
import { createNetwork } from './create-network';
import { dismantle } from './remove-network';
import { DEFAULT_NETWORK } from './services';

export async function ensureNetworks(rt: RuntimeContext): Promise<void> {
  const subnet = formatSubnet(parseSubnet(rt.config['bridge-subnet']));
  const bridge = rt.config['bridge-name'];
  const current = rt.network.repo.byName(DEFAULT_NETWORK);
  if (current && (current.bridge !== bridge || current.subnet !== subnet)) {
    if (rt.network.repo.endpointsOn(current.id).length) {
      rt.logger.warn('the default bridge network differs from the daemon config but has containers: kept as it is', {
        bridge: current.bridge,
        subnet: current.subnet,
        configured: { bridge, subnet },
      });
    } else {
      rt.logger.info('the default bridge network changed in the daemon config: recreating it', { bridge, subnet });
      await rt.network.mutex.run(() => dismantle(rt, current));
    }
  }
  if (!rt.network.repo.byName(DEFAULT_NETWORK)) {
    const clash = rt.network.repo.all().find((n) => n.bridge === bridge);
    if (clash) throw new ForgeError('FailedPrecondition', `bridge-name ${bridge} is already used by network ${clash.name}`);
    await createNetwork(rt, { name: DEFAULT_NETWORK, bridge, subnet, gateway: defaultGateway(parseSubnet(subnet)) });
  }
  for (const net of rt.network.repo.all()) await rt.network.firewall.addNetwork(net);
}
