/**
 * The one place where Docker's networking fields meet ForgeOne: create's NetworkMode,
 * PortBindings, ExposedPorts, PublishAllPorts, Dns, ExtraHosts and NetworkingConfig become the
 * container config's networkMode/ports/publishAll/dns/extraHosts/networkAliases; inspect's and
 * ps's network views get the fields Docker clients decode. Pure. Whether a named network exists
 * is the runtime's check at create (404 "network X not found", like dockerd).
 *
 * Refused with 400 (docs/networking.md, "Not supported"): `container:` mode, Links, MacAddress,
 * fixed addresses (IPAMConfig), DnsSearch/DnsOptions.
 */
import { ForgeError } from '../../../errors';
import type { EndpointSettings, NetworkSettings } from '../../../config/api-types';
import { exposedPorts, isIPv4, portKey, portsFromDockerBindings, type PortRequest } from '../../../config/port-spec';
import { isRecord, isZero } from './zero';

/** A network to connect after create, with the endpoint's aliases. */
export interface ExtraNetwork {
  name: string;
  aliases: string[];
}

export interface NetworkChoice {
  networkMode: string;
  ports: PortRequest[];
  publishAll: boolean;
  dns: string[];
  extraHosts: string[];
  networkAliases: string[];
  warnings: string[];
  /** Further networks of NetworkingConfig, connected once the container exists. */
  moreNetworks: ExtraNetwork[];
}

const bad = (message: string) => new ForgeError('InvalidArgument', message);
/** Endpoint fields clients send filled in from an earlier inspect (read-only, ignored by dockerd too). */
const ENDPOINT_READ_ONLY = ['NetworkID', 'EndpointID', 'Gateway', 'IPAddress', 'IPPrefixLen', 'IPv6Gateway', 'GlobalIPv6Address', 'GlobalIPv6PrefixLen', 'DNSNames'];

function strings(value: unknown, field: string): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw bad(`${field} must be a list of strings`);
}

/** Docker's NetworkMode → ForgeOne's (`default` and empty are the default bridge). */
export function networkModeFromDocker(mode: unknown): string {
  if (mode === undefined || mode === null || mode === '' || mode === 'default') return 'bridge';
  if (typeof mode !== 'string') throw bad('HostConfig.NetworkMode must be a string');
  if (mode.startsWith('container:')) throw bad(`HostConfig.NetworkMode "${mode}" is not supported: sharing another container's network namespace is refused`);
  return mode;
}

/** `--add-host NAME:IP` (docker also accepts `NAME=IP` since 25). */
function extraHost(entry: string): string {
  const i = entry.search(/[:=]/);
  if (i <= 0) throw bad(`invalid HostConfig.ExtraHosts entry "${entry}": use NAME:IPv4`);
  const name = entry.slice(0, i);
  const ip = entry.slice(i + 1);
  if (ip === 'host-gateway') throw bad(`HostConfig.ExtraHosts "${entry}": host-gateway is not supported, give the address`);
  return `${name}:${ip}`;
}

/** One endpoint's aliases; refuses what the network module cannot give (fixed addresses, MAC, driver options). */
function endpointAliases(name: string, endpoint: unknown): string[] {
  if (!isRecord(endpoint)) return [];
  const aliases: string[] = [];
  for (const [key, value] of Object.entries(endpoint)) {
    if (key === 'Aliases') aliases.push(...strings(value, `NetworkingConfig.EndpointsConfig.${name}.Aliases`));
    else if (ENDPOINT_READ_ONLY.includes(key) || isZero(value)) continue;
    else if (key === 'IPAMConfig') throw bad(`NetworkingConfig.EndpointsConfig.${name}.IPAMConfig: fixed container addresses (--ip) are not supported; addresses come from the network's subnet`);
    else throw bad(`NetworkingConfig.EndpointsConfig.${name}.${key} is not supported by ForgeOne`);
  }
  return aliases;
}

/**
 * NetworkingConfig.EndpointsConfig: the NetworkMode network's aliases, and the other networks
 * (API 1.44+ lets a create name several; the caller connects them after create).
 */
function endpoints(networkingConfig: unknown, mode: string): { aliases: string[]; more: ExtraNetwork[] } {
  if (!isRecord(networkingConfig) || !isRecord(networkingConfig.EndpointsConfig)) return { aliases: [], more: [] };
  const sameNetwork = (name: string) => name === mode || (mode === 'bridge' && name === 'default');
  const aliases: string[] = [];
  const more: ExtraNetwork[] = [];
  for (const [name, endpoint] of Object.entries(networkingConfig.EndpointsConfig)) {
    if (sameNetwork(name)) aliases.push(...endpointAliases(name, endpoint));
    else if (mode === 'none' || mode === 'host') throw bad(`NetworkingConfig.EndpointsConfig.${name}: a container with NetworkMode "${mode}" cannot join other networks`);
    else more.push({ name, aliases: endpointAliases(name, endpoint) });
  }
  return { aliases, more };
}

/** Docker create fields about networking → ForgeOne's choice; throws 400 for what cannot be honoured. */
export function networkFromDocker(config: Record<string, unknown>, hostConfig: Record<string, unknown>, networkingConfig: unknown): NetworkChoice {
  const warnings: string[] = [];
  const networkMode = config.NetworkDisabled === true ? 'none' : networkModeFromDocker(hostConfig.NetworkMode);
  for (const key of ['DnsOptions', 'DnsSearch']) {
    if (!isZero(hostConfig[key])) throw bad(`HostConfig.${key} is not supported by ForgeOne (only Dns servers can be set)`);
  }
  if (!isZero(hostConfig.Links)) throw bad('HostConfig.Links is not supported: put the containers on a user network, where they reach each other by name');
  if (!isZero(config.MacAddress)) throw bad('MacAddress is not supported: addresses come from the network');
  if (!isZero(hostConfig.PortBindings) && !isRecord(hostConfig.PortBindings)) throw bad('HostConfig.PortBindings must be an object');
  const bindings = (isRecord(hostConfig.PortBindings) ? hostConfig.PortBindings : {}) as Record<string, unknown>;
  for (const [key, list] of Object.entries(bindings)) {
    if (list !== null && (!Array.isArray(list) || !list.every((b) => isRecord(b)))) throw bad(`HostConfig.PortBindings["${key}"] must be a list of {HostIp, HostPort}`);
    for (const b of (list ?? []) as Array<Record<string, unknown>>) {
      if (!isZero(b.HostIp) && (typeof b.HostIp !== 'string' || !isIPv4(b.HostIp))) {
        throw bad(`HostConfig.PortBindings["${key}"]: HostIp "${String(b.HostIp)}" is not an IPv4 address (IPv6 host addresses are not supported)`);
      }
      if (!isZero(b.HostPort) && typeof b.HostPort !== 'string') throw bad(`HostConfig.PortBindings["${key}"]: HostPort must be a string`);
    }
  }
  // HostPort "0" means a free port to dockerd (testcontainers sends it); ForgeOne's spelling is "".
  const normalized = Object.fromEntries(
    Object.entries(bindings).map(([key, list]) => [key, (list as Array<{ HostIp?: string; HostPort?: string }> | null)?.map((b) => (b.HostPort === '0' ? { ...b, HostPort: '' } : b)) ?? null]),
  );
  const ports = portsFromDockerBindings(normalized);
  const publishAll = hostConfig.PublishAllPorts === true;
  // -P publishes the image's EXPOSE (the runtime adds those) and the container's ExposedPorts.
  if (publishAll && isRecord(config.ExposedPorts)) {
    const have = new Set(ports.map(portKey));
    ports.push(...exposedPorts(config.ExposedPorts).filter((p) => !have.has(portKey(p))));
  }
  const dns = strings(hostConfig.Dns, 'HostConfig.Dns');
  const extraHosts = strings(hostConfig.ExtraHosts, 'HostConfig.ExtraHosts').map(extraHost);
  const { aliases: networkAliases, more: moreNetworks } = endpoints(networkingConfig, networkMode);
  return { networkMode, ports, publishAll, dns, extraHosts, networkAliases, warnings, moreNetworks };
}

/** Names of the Docker create fields this file owns (create-body.ts leaves them to it). */
export const NETWORK_CONFIG_KEYS = ['ExposedPorts', 'MacAddress', 'NetworkDisabled'];
export const NETWORK_HOST_CONFIG_KEYS = ['NetworkMode', 'PortBindings', 'PublishAllPorts', 'Dns', 'DnsOptions', 'DnsSearch', 'ExtraHosts', 'Links'];

/** One of Docker's EndpointSettings from ForgeOne's. */
function dockerEndpoint(e: EndpointSettings): Record<string, unknown> {
  return {
    IPAMConfig: null,
    Links: null,
    Aliases: e.Aliases,
    MacAddress: e.MacAddress,
    DriverOpts: null,
    NetworkID: e.NetworkID,
    EndpointID: e.EndpointID,
    Gateway: e.Gateway,
    IPAddress: e.IPAddress,
    IPPrefixLen: e.IPPrefixLen,
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    DNSNames: e.Aliases,
  };
}

/** Docker's NetworkSettings of a container, from the runtime's (already in Docker's names). */
export function networkSettings(s: NetworkSettings): Record<string, unknown> {
  const defaultEndpoint = s.Networks.bridge;
  return {
    Bridge: '',
    SandboxID: s.SandboxKey ? s.SandboxKey.split('/').pop() : '',
    SandboxKey: s.SandboxKey,
    HairpinMode: false,
    LinkLocalIPv6Address: '',
    LinkLocalIPv6PrefixLen: 0,
    Ports: s.Ports,
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: defaultEndpoint?.EndpointID ?? '',
    Gateway: s.Gateway,
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    IPAddress: s.IPAddress,
    IPPrefixLen: s.IPPrefixLen,
    IPv6Gateway: '',
    MacAddress: s.MacAddress,
    Networks: Object.fromEntries(Object.entries(s.Networks).map(([name, e]) => [name, dockerEndpoint(e)])),
  };
}

/** The create-time network fields inspect's HostConfig shows (PortBindings in Docker's shape). */
export function hostConfigNetwork(c: { networkMode: string; ports: PortRequest[]; publishAll: boolean; dns: string[]; extraHosts: string[] }): Record<string, unknown> {
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const p of c.ports) (bindings[portKey(p)] ??= []).push({ HostIp: p.hostIp ?? '', HostPort: p.hostPort ? String(p.hostPort) : '' });
  return {
    NetworkMode: c.networkMode,
    PortBindings: bindings,
    PublishAllPorts: c.publishAll,
    Dns: c.dns,
    ExtraHosts: c.extraHosts.length ? c.extraHosts : null,
  };
}

/** `ps`'s Ports and NetworkSettings of a container summary. */
export function summaryNetwork(ports: Array<{ IP?: string; PrivatePort: number; PublicPort?: number; Type: string }> | undefined, settings: NetworkSettings | undefined): { Ports: unknown[]; NetworkSettings: { Networks: Record<string, unknown> } } {
  const networks = Object.fromEntries(Object.entries(settings?.Networks ?? {}).map(([name, e]) => [name, dockerEndpoint(e)]));
  return { Ports: ports ?? [], NetworkSettings: { Networks: networks } };
}
