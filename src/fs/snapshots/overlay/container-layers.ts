/**
 * A container's layer on disk: `<containers>/<id>/{upper,work,rootfs}` plus `layer.json`, the
 * chain it is mounted from (written before mounting, so snapshot removal always sees who uses
 * what, even after a crash between the two). The container dir itself is shared with the
 * runtime (config.json, logs): only these four entries belong to fs/.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { errors } from '../../../errors';
import { writeFileAtomic } from '../../../util/atomic-file';
import type { Digest } from '../../../util/digest';

export interface ContainerLayerRecord {
  chain: Digest[];
  readonly: boolean;
}

export interface ContainerLayerPaths {
  dir: string;
  upper: string;
  work: string;
  rootfs: string;
  record: string;
}

/** Container IDs are 64 hex in practice; anything path-like is refused before it names a dir. */
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export function containerLayerPaths(containersDir: string, id: string): ContainerLayerPaths {
  if (!ID_RE.test(id) || id.includes('..')) throw errors.invalidArgument(`invalid container ID "${id}"`);
  const dir = path.join(containersDir, id);
  return {
    dir,
    upper: path.join(dir, 'upper'),
    work: path.join(dir, 'work'),
    rootfs: path.join(dir, 'rootfs'),
    record: path.join(dir, 'layer.json'),
  };
}

export async function readRecord(file: string): Promise<ContainerLayerRecord | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as ContainerLayerRecord;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function writeRecord(file: string, record: ContainerLayerRecord): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(record) + '\n');
}

/** Every container layer record under `containersDir`, by container ID. */
export async function allRecords(containersDir: string): Promise<Map<string, ContainerLayerRecord>> {
  const out = new Map<string, ContainerLayerRecord>();
  let names: string[];
  try {
    names = await fs.readdir(containersDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return out;
    throw err;
  }
  for (const id of names) {
    const record = await readRecord(path.join(containersDir, id, 'layer.json')).catch(() => undefined);
    if (record) out.set(id, record);
  }
  return out;
}

export function sameRecord(a: ContainerLayerRecord, b: ContainerLayerRecord): boolean {
  return a.readonly === b.readonly && a.chain.length === b.chain.length && a.chain.every((c, i) => c === b.chain[i]);
}
