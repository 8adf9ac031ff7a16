/** How `src/main.ts` finds the native engine (STYLE.md 9). */
import type { EngineDescriptor } from '../types';
import { NativeEngine } from './engine';
import type { NativeEngineOptions } from './options';

export const nativeEngineDescriptor: EngineDescriptor<NativeEngineOptions> = {
  kind: 'engine',
  id: 'native',
  create: (options) => new NativeEngine(options),
};
