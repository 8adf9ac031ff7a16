/**
 * A streaming reader of layer tars (ustar, GNU long names, PAX), yielding one entry at a time.
 * It is ours rather than tar-stream's because tar-stream decodes PAX values as UTF-8, which
 * corrupts binary extended attributes (a `security.capability` value is raw bytes). It also
 * keeps the format strict: checksums are checked, metadata records are bounded, sparse files and
 * unknown entry types are refused rather than guessed at. It never touches the filesystem.
 */
import { errors } from '../../errors';
import type { ByteReader } from './byte-reader';

export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo';

export interface TarHeader {
  /** The path as the archive spells it (PAX and GNU long names applied); not yet validated. */
  name: string;
  type: TarEntryType;
  /** Permission bits including setuid, setgid and sticky. */
  mode: number;
  uid: number;
  gid: number;
  /** Bytes of data that follow (0 for every type but `file`). */
  size: number;
  /** Seconds since the epoch, fractional with a PAX `mtime`. */
  mtime: number;
  /** Target of a symlink or hard link. */
  linkname: string;
  devmajor: number;
  devminor: number;
  /** From PAX `SCHILY.xattr.<name>` (raw bytes) and `LIBARCHIVE.xattr.<name>` (base64) records. */
  xattrs: Map<string, Buffer>;
}

export interface TarEntry {
  header: TarHeader;
  /** The entry's data. Reading it is optional: what is left is skipped before the next entry. */
  body(): AsyncGenerator<Buffer>;
}

export interface TarReaderOptions {
  /** Largest PAX record set or GNU long name accepted, in bytes. Default 1 MiB. */
  maxMetaSize?: number;
}

const BLOCK = 512;
const MAX_META = 1 << 20;
const TYPES: Record<string, TarEntryType> = {
  '0': 'file', '\0': 'file', '7': 'file', '1': 'hardlink', '2': 'symlink',
  '3': 'char', '4': 'block', '5': 'dir', '6': 'fifo',
};

/** Yields entries until the end-of-archive block; the caller drains the rest of the stream. */
export async function* readTar(input: ByteReader, options: TarReaderOptions = {}): AsyncGenerator<TarEntry> {
  const maxMeta = options.maxMetaSize ?? MAX_META;
  let globalPax = new Map<string, Buffer>();
  let localPax: Map<string, Buffer> | undefined;
  let longName: string | undefined;
  let longLink: string | undefined;
  const readMeta = async (size: number, what: string): Promise<Buffer> => {
    if (size > maxMeta) throw invalid(`${what} of ${size} bytes exceeds the ${maxMeta}-byte limit`);
    const data = Buffer.from(await input.read(size));
    if (data.length < size || (await input.skip(padding(size))) < padding(size)) throw invalid('archive is truncated');
    return data;
  };
  for (;;) {
    const block = await input.read(BLOCK);
    if (block.length === 0) return; // EOF at a block boundary: accepted as the end, as GNU tar does
    if (block.length < BLOCK) throw invalid('archive is truncated');
    if (block.every((b) => b === 0)) return;
    verifyChecksum(block);
    const flag = String.fromCharCode(block[156]!);
    const rawSize = parseNumber(block, 124, 12, 'size');
    switch (flag) {
      case 'x':
        localPax = parsePax(await readMeta(rawSize, 'PAX header'));
        continue;
      case 'g':
        globalPax = new Map([...globalPax, ...parsePax(await readMeta(rawSize, 'PAX global header'))]);
        continue;
      case 'L':
        longName = cString(await readMeta(rawSize, 'GNU long name'));
        continue;
      case 'K':
        longLink = cString(await readMeta(rawSize, 'GNU long link name'));
        continue;
      case 'V': // a GNU volume label names the archive, not a file
        await input.skip(rawSize + padding(rawSize));
        continue;
    }
    const pax = new Map([...globalPax, ...(localPax ?? [])]);
    const header = buildHeader(block, flag, rawSize, pax, longName, longLink);
    localPax = longName = longLink = undefined;
    let remaining = header.type === 'file' ? header.size : 0;
    const dataBytes = remaining;
    yield {
      header,
      body: async function* () {
        while (remaining > 0) {
          const chunk = await input.readSome(Math.min(remaining, 1 << 20));
          if (chunk.length === 0) throw invalid('archive is truncated');
          remaining -= chunk.length;
          yield chunk;
        }
      },
    };
    const skip = remaining + padding(dataBytes);
    if ((await input.skip(skip)) < skip) throw invalid('archive is truncated');
  }
}

function buildHeader(
  block: Buffer, flag: string, rawSize: number, pax: Map<string, Buffer>, longName?: string, longLink?: string,
): TarHeader {
  if (flag === 'S' || [...pax.keys()].some((k) => k.startsWith('GNU.sparse.'))) {
    throw errors.notImplemented('layer tar holds a sparse file, which ForgeOne does not unpack');
  }
  let type = TYPES[flag];
  if (!type) throw errors.notImplemented(`layer tar holds an entry of unsupported type '${flag}'`);
  const magic = block.toString('latin1', 257, 263);
  const prefix = magic === 'ustar\0' ? cString(block.subarray(345, 500)) : '';
  const ustarName = cString(block.subarray(0, 100));
  let name = paxString(pax, 'path') ?? longName ?? (prefix ? `${prefix}/${ustarName}` : ustarName);
  if (flag === '\0' && name.endsWith('/')) type = 'dir'; // pre-POSIX directories
  const xattrs = new Map<string, Buffer>();
  for (const [key, value] of pax) {
    if (key.startsWith('SCHILY.xattr.')) xattrs.set(key.slice('SCHILY.xattr.'.length), value);
    else if (key.startsWith('LIBARCHIVE.xattr.')) {
      xattrs.set(decodeURIComponent(key.slice('LIBARCHIVE.xattr.'.length)), Buffer.from(value.toString('latin1'), 'base64'));
    }
  }
  if (name.includes('\0')) throw invalid('an entry name contains a NUL byte');
  name = name.length > 1 && name.endsWith('/') ? name.replace(/\/+$/, '') : name;
  return {
    name,
    type,
    mode: parseNumber(block, 100, 8, 'mode') & 0o7777,
    uid: paxNumber(pax, 'uid') ?? parseNumber(block, 108, 8, 'uid'),
    gid: paxNumber(pax, 'gid') ?? parseNumber(block, 116, 8, 'gid'),
    size: paxNumber(pax, 'size') ?? rawSize,
    mtime: paxNumber(pax, 'mtime', true) ?? parseNumber(block, 136, 12, 'mtime'),
    linkname: paxString(pax, 'linkpath') ?? longLink ?? cString(block.subarray(157, 257)),
    devmajor: parseNumber(block, 329, 8, 'devmajor'),
    devminor: parseNumber(block, 337, 8, 'devminor'),
    xattrs,
  };
}

/** Numeric fields are octal text, or base-256 when the high bit of the first byte is set. */
function parseNumber(block: Buffer, offset: number, length: number, field: string): number {
  const bytes = block.subarray(offset, offset + length);
  if (bytes[0]! & 0x80) {
    if (bytes[0]! & 0x40) throw invalid(`negative ${field}`);
    let value = bytes[0]! & 0x3f;
    for (const b of bytes.subarray(1)) value = value * 256 + b;
    if (!Number.isSafeInteger(value)) throw invalid(`${field} is too large`);
    return value;
  }
  const text = bytes.toString('latin1').split('\0')[0]!.trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw invalid(`${field} field "${text}" is not octal`);
  return parseInt(text, 8);
}

function verifyChecksum(block: Buffer): void {
  const expected = parseNumber(block, 148, 8, 'checksum');
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  if (expected !== unsigned && expected !== signed) throw invalid('header checksum mismatch');
}

/** PAX records: `<len> <key>=<value>\n`, values kept as raw bytes. */
function parsePax(data: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let pos = 0;
  while (pos < data.length && data[pos] !== 0) {
    const space = data.indexOf(0x20, pos);
    const lenText = space < 0 ? '' : data.toString('latin1', pos, space);
    const len = /^[0-9]+$/.test(lenText) ? Number(lenText) : NaN;
    if (!(len > space - pos + 1) || pos + len > data.length || data[pos + len - 1] !== 0x0a) {
      throw invalid('malformed PAX record');
    }
    const record = data.subarray(space + 1, pos + len - 1);
    const eq = record.indexOf(0x3d);
    if (eq <= 0) throw invalid('malformed PAX record');
    out.set(record.toString('utf8', 0, eq), record.subarray(eq + 1));
    pos += len;
  }
  return out;
}

/** A PAX value; an empty one cancels a global default (POSIX), so it reads as absent. */
function paxString(pax: Map<string, Buffer>, key: string): string | undefined {
  const value = pax.get(key);
  return value && value.length > 0 ? value.toString('utf8') : undefined;
}

function paxNumber(pax: Map<string, Buffer>, key: string, fractional = false): number | undefined {
  const text = paxString(pax, key);
  if (text === undefined) return undefined;
  const ok = fractional ? /^-?[0-9]+(\.[0-9]+)?$/.test(text) : /^[0-9]+$/.test(text);
  const value = Number(text);
  if (!ok || !Number.isFinite(value) || (!fractional && !Number.isSafeInteger(value))) {
    throw invalid(`PAX ${key} "${text}" is not a valid number`);
  }
  return value;
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.toString('utf8', 0, end < 0 ? bytes.length : end);
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

function invalid(reason: string) {
  return errors.invalidArgument(`invalid layer tar: ${reason}`);
}
