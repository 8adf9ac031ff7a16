/**
 * Writes layer tars byte by byte for fs tests, including what well-behaved writers refuse to make
 * (`../` names, absolute names, links out of the tree, devices, binary PAX xattrs), and turns
 * them into LayerSources (blob files with digests and diffIDs).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { LayerSource } from '../../../../src/fs/types';
import type { Digest } from '../../../../src/util/digest';

export interface RawEntry {
  name: string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';
  content?: Buffer | string;
  mode?: number;
  uid?: number;
  gid?: number;
  /** Seconds. Default 1700000000. */
  mtime?: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  /** Written as PAX `SCHILY.xattr.<name>` records with raw values. */
  xattrs?: Record<string, Buffer | string>;
  /** Extra PAX records. */
  pax?: Record<string, string>;
}

export const DEFAULT_MTIME = 1700000000;
const FLAGS = { file: '0', hardlink: '1', symlink: '2', char: '3', block: '4', dir: '5', fifo: '6' } as const;

export function makeTar(entries: readonly RawEntry[], options: { endBlocks?: number } = {}): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const type = e.type ?? 'file';
    const data = type === 'file' ? Buffer.from(e.content ?? '') : Buffer.alloc(0);
    const records: Array<[string, Buffer]> = [];
    if (Buffer.byteLength(e.name) > 100) records.push(['path', Buffer.from(e.name)]);
    if (e.linkname && Buffer.byteLength(e.linkname) > 100) records.push(['linkpath', Buffer.from(e.linkname)]);
    for (const [k, v] of Object.entries(e.xattrs ?? {})) records.push([`SCHILY.xattr.${k}`, Buffer.from(v)]);
    for (const [k, v] of Object.entries(e.pax ?? {})) records.push([k, Buffer.from(v)]);
    if (records.length > 0) {
      const body = Buffer.concat(records.map(([k, v]) => paxRecord(k, v)));
      blocks.push(header({ name: 'PaxHeader', flag: 'x', size: body.length }), pad(body));
    }
    blocks.push(
      header({
        name: Buffer.byteLength(e.name) > 100 ? e.name.slice(0, 99) : e.name,
        flag: FLAGS[type],
        size: data.length,
        mode: e.mode ?? (type === 'dir' ? 0o755 : 0o644),
        uid: e.uid ?? 0,
        gid: e.gid ?? 0,
        mtime: e.mtime ?? DEFAULT_MTIME,
        linkname: e.linkname && Buffer.byteLength(e.linkname) <= 100 ? e.linkname : '',
        devmajor: e.devmajor ?? 0,
        devminor: e.devminor ?? 0,
      }),
      pad(data),
    );
  }
  for (let i = 0; i < (options.endBlocks ?? 2); i++) blocks.push(Buffer.alloc(512));
  return Buffer.concat(blocks);
}

interface HeaderFields {
  name: string;
  flag: string;
  size: number;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
}

function header(f: HeaderFields): Buffer {
  const b = Buffer.alloc(512);
  b.write(f.name, 0, 100, 'utf8');
  octal(b, 100, 8, f.mode ?? 0o644);
  octal(b, 108, 8, f.uid ?? 0);
  octal(b, 116, 8, f.gid ?? 0);
  octal(b, 124, 12, f.size);
  octal(b, 136, 12, f.mtime ?? DEFAULT_MTIME);
  b.write(f.flag, 156, 1, 'latin1');
  b.write(f.linkname ?? '', 157, 100, 'utf8');
  b.write('ustar\u000000', 257, 8, 'latin1');
  b.write('root', 265, 32);
  b.write('root', 297, 32);
  octal(b, 329, 8, f.devmajor ?? 0);
  octal(b, 337, 8, f.devminor ?? 0);
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
  return b;
}

function octal(b: Buffer, offset: number, length: number, value: number): void {
  b.write(value.toString(8).padStart(length - 1, '0') + '\0', offset, length, 'latin1');
}

function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.concat([Buffer.from(String(len)), body]);
}

function pad(data: Buffer): Buffer {
  const rest = data.length % 512;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(512 - rest)]);
}

export function sha256(data: Buffer): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export type Compression = 'gzip' | 'zstd' | 'none';

/** Writes `tar` compressed into `dir` as a blob and describes it as a LayerSource. */
export async function writeLayer(dir: string, tar: Buffer, compression: Compression = 'gzip'): Promise<LayerSource> {
  const blob = compression === 'gzip' ? gzipSync(tar) : compression === 'zstd' ? execFileSync('zstd', ['-q', '-c'], { input: tar }) : tar;
  const digest = sha256(blob);
  const file = path.join(dir, digest.slice(7));
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(file, blob);
  const mediaType = `application/vnd.oci.image.layer.v1.tar${compression === 'none' ? '' : `+${compression}`}`;
  return { digest, diffId: sha256(tar), mediaType, path: file, size: blob.length };
}

/** Every path under `dir`, relative, sorted (for "nothing was created" assertions). */
export async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    let names: string[];
    try {
      names = await fs.readdir(path.join(dir, rel));
    } catch {
      return;
    }
    for (const n of names) {
      const r = rel ? `${rel}/${n}` : n;
      out.push(r);
      const st = await fs.lstat(path.join(dir, r));
      if (st.isDirectory()) await walk(r);
    }
  };
  await walk('');
  return out.sort();
}

export const isRoot = process.getuid?.() === 0;
