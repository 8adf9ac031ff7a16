/**
 * The one place where Docker's networking fields meet ForgeOne (create's NetworkMode,
 * PortBindings, ExposedPorts, DNS fields, NetworkingConfig; inspect's NetworkSettings; ps's
 * Ports). Until the network/ module lands (branch `networking`), a container has loopback only:
 * the default network modes (`default`, `bridge`, `none`) give that, and anything that needs a
 * real network is refused with 400 rather than silently ignored.
 *
 * To wire networking: map NetworkMode/NetworkingConfig/PortBindings to the create options the
 * network module adds in `networkFromDocker`, and fill `networkSettings` from the runtime's
 * network info of the container.
 */
import { ForgeError } from '../../../errors';
import { isRecord, isZero } from './zero';

export interface NetworkChoice {
  /** ContainerConfig.networkMode. */
  networkMode: string;
  warnings: string[];
}

const NEEDS_NETWORK = 'needs container networking, which this ForgeOne build does not have yet';

/** Docker create fields about networking → ForgeOne's choice; throws 400 for what cannot be honoured. */
export function networkFromDocker(config: Record<string, unknown>, hostConfig: Record<string, unknown>, networkingConfig: unknown): NetworkChoice {
  const warnings: string[] = [];
  const mode = typeof hostConfig.NetworkMode === 'string' ? hostConfig.NetworkMode : '';
  let networkMode = 'none';
  if (mode === 'bridge') warnings.push('NetworkMode "bridge": no bridge network exists yet; the container has a loopback interface only');
  else if (mode === 'host' || mode.startsWith('container:')) throw new ForgeError('InvalidArgument', `HostConfig.NetworkMode "${mode}" is not supported: sharing another network namespace is refused`);
  else if (mode !== '' && mode !== 'default' && mode !== 'none') throw new ForgeError('NotFound', `network ${mode} not found`);
  if (config.NetworkDisabled === true) networkMode = 'none';
  // Port maps are sets keyed by port (`{"80/tcp": {}}`): any key asks for something.
  const asks = (v: unknown) => (isRecord(v) ? Object.keys(v).length > 0 : !isZero(v));
  for (const key of ['PortBindings', 'PublishAllPorts', 'Dns', 'DnsOptions', 'DnsSearch', 'ExtraHosts', 'Links']) {
    if (asks(hostConfig[key])) throw new ForgeError('InvalidArgument', `HostConfig.${key} ${NEEDS_NETWORK}`);
  }
  for (const key of ['ExposedPorts', 'MacAddress']) {
    if (asks(config[key])) throw new ForgeError('InvalidArgument', `${key} ${NEEDS_NETWORK}`);
  }
  if (isRecord(networkingConfig) && isRecord(networkingConfig.EndpointsConfig)) {
    for (const [name, endpoint] of Object.entries(networkingConfig.EndpointsConfig)) {
      if (!['default', 'bridge', 'none', mode].includes(name) || !isZero(endpoint)) {
        throw new ForgeError('InvalidArgument', `NetworkingConfig.EndpointsConfig.${name} ${NEEDS_NETWORK}`);
      }
    }
  }
  return { networkMode, warnings };
}

/** Names of the Docker create fields this file owns (create-body.ts leaves them to it). */
export const NETWORK_CONFIG_KEYS = ['ExposedPorts', 'MacAddress', 'NetworkDisabled'];
export const NETWORK_HOST_CONFIG_KEYS = ['NetworkMode', 'PortBindings', 'PublishAllPorts', 'Dns', 'DnsOptions', 'DnsSearch', 'ExtraHosts', 'Links'];

/** Docker's NetworkSettings of a container: empty until networking exists. */
export function networkSettings(): Record<string, unknown> {
  return {
    Bridge: '',
    SandboxID: '',
    SandboxKey: '',
    HairpinMode: false,
    LinkLocalIPv6Address: '',
    LinkLocalIPv6PrefixLen: 0,
    Ports: {},
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: '',
    Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    IPAddress: '',
    IPPrefixLen: 0,
    IPv6Gateway: '',
    MacAddress: '',
    Networks: {},
  };
}

/** `ps`'s Ports and NetworkSettings of a container summary. */
export function summaryNetwork(): { Ports: unknown[]; NetworkSettings: { Networks: Record<string, unknown> } } {
  return { Ports: [], NetworkSettings: { Networks: {} } };
}
