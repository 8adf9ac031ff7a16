/**
 * The WASM engine passes the engine conformance suite, with real host processes. Behaviours map
 * to WAT fixtures (test/fixtures/wasm.ts); cases that need exec or a TTY are reported as not
 * applicable by the suite, from the engine's capabilities.
 */
import { runEngineSuite } from '../../src/engine/testsuite';
import { wasmHarness } from '../fixtures/wasm-engine';

runEngineSuite('wasm (host process per instance, warm pool)', (dir) => wasmHarness(dir, 4));
