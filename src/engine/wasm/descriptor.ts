/** How `src/main.ts` finds the WASM engine (STYLE.md 9). */
import type { EngineDescriptor } from '../types';
import { WasmEngine } from './engine';
import type { WasmEngineOptions } from './options';

export const wasmEngineDescriptor: EngineDescriptor<WasmEngineOptions> = {
  kind: 'engine',
  id: 'wasm',
  create: (options) => new WasmEngine(options),
};
