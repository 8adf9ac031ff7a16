/** Unpacks a stack of raw layers the way the snapshotter does (each into its own dir, lowers below). */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LinuxSpecialFiles } from '../../../../src/fs/linux/special-files';
import { unpackLayer, type UnpackResult } from '../../../../src/fs/unpack/unpack';
import { makeTar, writeLayer, type Compression, type RawEntry } from './tar';

export interface UnpackedStack {
  /** Layer dirs, bottom first. */
  dirs: string[];
  results: UnpackResult[];
}

/** Layer i goes to `<base>/snap/l<i>` with the dirs below as lowers; stops at the first error. */
export async function unpackStack(base: string, layers: readonly RawEntry[][], compression: Compression = 'gzip'): Promise<UnpackedStack> {
  const special = new LinuxSpecialFiles();
  const dirs: string[] = [];
  const results: UnpackResult[] = [];
  for (const [i, entries] of layers.entries()) {
    const tar = makeTar(entries);
    const source = await writeLayer(path.join(base, 'blobs'), tar, compression);
    const dir = path.join(base, 'snap', `l${i}`);
    await fs.mkdir(dir, { recursive: true });
    results.push(await unpackLayer(source.path, source.mediaType, dir, { special, lowers: [...dirs].reverse(), expectedDiffId: source.diffId }));
    dirs.push(dir);
  }
  return { dirs, results };
}
