/**
 * Reads what the engine must know about a module before running it, from its binary: that it is
 * a core WebAssembly module at all, what it imports, its linear memory limits and whether it
 * exports `_start`. Only the import, memory and export sections are decoded (a few µs even for
 * big modules), so bad input is refused with a message naming the problem before any host
 * process starts. Pure.
 */
import { ForgeError } from '../../errors';
import { describeHead, hasWasmMagic } from '../../config/wasm-image';

export interface ModuleImport {
  module: string;
  name: string;
  kind: 'function' | 'table' | 'memory' | 'global' | 'tag';
}

export interface ModuleInfo {
  imports: ModuleImport[];
  exports: string[];
  /** Linear memory (defined or imported) in 64 KiB pages; undefined without a memory. */
  memory?: { min: number; max?: number };
}

/** The WASI namespace node:wasi provides (preview 1; the older `wasi_unstable` differs in layouts and is not offered). */
export const WASI_MODULES = ['wasi_snapshot_preview1'];
export const PAGE_BYTES = 64 * 1024;

const KINDS = ['function', 'table', 'memory', 'global', 'tag'] as const;

class Reader {
  pos = 0;
  constructor(private readonly b: Buffer) {}
  get done(): boolean {
    return this.pos >= this.b.length;
  }
  byte(): number {
    if (this.pos >= this.b.length) throw new RangeError('unexpected end of module');
    return this.b[this.pos++]!;
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return result;
      shift += 7;
      if (shift > 63) throw new RangeError('LEB128 number too long');
    }
  }
  name(): string {
    const len = this.u32();
    const s = this.b.subarray(this.pos, this.pos + len).toString('utf8');
    this.pos += len;
    return s;
  }
  limits(): { min: number; max?: number } {
    const flags = this.byte();
    const min = this.u32();
    return flags & 1 ? { min, max: this.u32() } : { min };
  }
  skip(n: number): void {
    this.pos += n;
  }
}

function notWasm(what: string, why: string, cause?: unknown): ForgeError {
  return new ForgeError('InvalidArgument', `${what} is not a WebAssembly module: ${why}`, {
    cause,
    hint: 'build it for wasm32-wasi (e.g. clang --target=wasm32-wasi, or cargo build --target wasm32-wasip1)',
    details: { reason: 'not-wasm' },
  });
}

/** Decodes the parts of `bytes` the engine needs; InvalidArgument (reason not-wasm) when it is no core module. */
export function inspectModule(bytes: Buffer, what = 'the file'): ModuleInfo {
  if (!hasWasmMagic(bytes)) throw notWasm(what, describeHead(bytes));
  const version = bytes.readUInt32LE(4);
  if (version !== 1) {
    throw new ForgeError('InvalidArgument', `${what} is a WebAssembly component (binary version 0x${version.toString(16)}), not a core module`, {
      hint: 'the wasm engine runs core modules with WASI preview 1 (wasm32-wasip1)',
      details: { reason: 'not-wasm' },
    });
  }
  const info: ModuleInfo = { imports: [], exports: [] };
  const r = new Reader(bytes);
  r.skip(8);
  try {
    while (!r.done) {
      const id = r.byte();
      const size = r.u32();
      const end = r.pos + size;
      if (end > bytes.length) throw new RangeError(`section ${id} runs past the end of the file`);
      if (id === 2) readImports(r, info);
      else if (id === 5) {
        const count = r.u32();
        if (count > 0) info.memory = r.limits();
      } else if (id === 7) {
        for (let n = r.u32(); n > 0; n--) {
          info.exports.push(r.name());
          r.byte();
          r.u32();
        }
      }
      r.pos = end;
    }
  } catch (err) {
    throw notWasm(what, `its binary is malformed (${(err as Error).message})`, err);
  }
  return info;
}

function readImports(r: Reader, info: ModuleInfo): void {
  for (let n = r.u32(); n > 0; n--) {
    const module = r.name();
    const name = r.name();
    const kindByte = r.byte();
    const kind = KINDS[kindByte];
    if (!kind) throw new RangeError(`unknown import kind ${kindByte}`);
    if (kind === 'function') r.u32();
    else if (kind === 'table') {
      r.byte();
      r.limits();
    } else if (kind === 'memory') info.memory = r.limits();
    else if (kind === 'global') r.skip(2);
    else {
      r.byte();
      r.u32();
    }
    info.imports.push({ module, name, kind });
  }
}

export interface ModuleCheck {
  /** Linear memory limit in pages; undefined for none. */
  memoryLimitPages?: number;
  /** Function names node:wasi provides in the WASI namespaces (from `wasi.getImportObject()`). */
  wasiFunctions?: ReadonlySet<string>;
}

/**
 * Refuses what cannot run, naming it: imports the host does not provide, a module without
 * `_start` (a library, not a command), or one whose minimum memory is above the limit.
 */
export function checkModule(info: ModuleInfo, o: ModuleCheck = {}, what = 'the module'): void {
  const unknown = info.imports.filter(
    (i) => i.kind !== 'memory' && !(WASI_MODULES.includes(i.module) && i.kind === 'function' && (!o.wasiFunctions || o.wasiFunctions.has(i.name))),
  );
  if (unknown.length) {
    const names = unknown.map((i) => `${i.module}.${i.name} (${i.kind})`);
    throw new ForgeError('InvalidArgument', `${what} imports ${names.slice(0, 5).join(', ')}${names.length > 5 ? ` and ${names.length - 5} more` : ''}, which the host does not provide`, {
      hint: 'the wasm engine provides WASI preview 1 (wasi_snapshot_preview1) functions only',
      details: { reason: 'unknown-import', imports: names },
    });
  }
  if (!info.exports.includes('_start')) {
    throw new ForgeError('InvalidArgument', `${what} exports no _start function: it is a library (reactor), not a command`, {
      hint: 'build it as a command (the default of wasm32-wasi toolchains), with a main function',
      details: { reason: 'no-start' },
    });
  }
  const limit = o.memoryLimitPages;
  if (limit !== undefined && info.memory && info.memory.min > limit) {
    throw new ForgeError('InvalidArgument', `${what} needs at least ${mib(info.memory.min)} of linear memory, above the memory limit of ${mib(limit)}`, {
      hint: 'raise --memory, or build the module with a smaller initial memory',
      details: { reason: 'memory-limit', minPages: info.memory.min, limitPages: limit },
    });
  }
}

export function mib(pages: number): string {
  const m = (pages * PAGE_BYTES) / (1024 * 1024);
  return `${Number.isInteger(m) ? m : m.toFixed(2)} MiB`;
}
