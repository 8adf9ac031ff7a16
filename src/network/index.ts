/** network/'s face to the outside: contracts, pure helpers and the Linux/CNI implementations. */
export type * from './types';
export { buildConflist, loopbackConflist, CNI_VERSION } from './cni/conflist';
export { PluginCniRunner } from './cni/cni-runner';
export { interfaceAddress } from './cni/result';
export { BindMountNetns } from './linux/netns';
export { IptablesFirewall } from './linux/isolation';
export { deleteLink } from './linux/links';
export { checkHostPort, pickHostPort, conflictError } from './host-ports';
export { renderHosts, renderResolvConf, type HostsEntry } from './hosts-file';
export * from './subnets';
