/** The native engine's face: conmon + crun/runc (see engine.ts), and the host preparation the daemon runs at start. */
export { NativeEngine } from './engine';
export { nativeEngineDescriptor } from './descriptor';
export type { NativeEngineOptions, OciRuntimeName } from './options';
export { prepareCgroups, type PrepareCgroupsOptions, type CgroupsReport } from './cgroups';
