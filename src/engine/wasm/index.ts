/** The WASM engine's face: WebAssembly modules as tasks in host processes of their own (see engine.ts). */
export { WasmEngine } from './engine';
export { wasmEngineDescriptor } from './descriptor';
export type { WasmEngineOptions } from './options';
export { inspectModule, checkModule, type ModuleInfo } from './module-info';
export { ANNOTATION_CPU, ANNOTATION_TIMEOUT } from './task-config';
