/**
 * Which engine runs an image (issue 5), and for WebAssembly images, where the module is: the
 * layer itself (a WASM artifact: `application/wasm` and the other types in config/wasm-image.ts),
 * or, for an image with platform wasi/wasm, the .wasm file its entrypoint names inside its tar
 * layers. `--engine` may say the same thing; a contradiction is refused, naming both.
 */
import type { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { ForgeError } from '../../errors';
import type { ContainerConfig } from '../../config/container-config';
import type { ImageConfig, ImageManifest } from '../../config/oci-image';
import { isWasmLayer, isWasmPlatform } from '../../config/wasm-image';
import type { EngineKind } from '../../engine/types';
import { openLayer } from '../../fs/unpack/decompress';
import { parseImageConfig, parseManifest } from '../../registry/manifest';
import type { ImageRecord } from '../../state/types';
import type { Digest } from '../../util/digest';
import type { RuntimeContext } from '../context';

/** Where a WASM image's module is. */
export type WasmSource =
  | { kind: 'layer'; digest: Digest; title: string | undefined }
  | { kind: 'tar'; layers: Array<{ path: string; mediaType: string }> };

export interface ImageEngine {
  engine: EngineKind;
  config: ImageConfig;
  wasm?: WasmSource;
}

export async function imageEngine(rt: RuntimeContext, image: ImageRecord, asked: ContainerConfig['engine']): Promise<ImageEngine> {
  const manifest: ImageManifest = parseManifest(await rt.store.read(image.digest), image.mediaType);
  const config = parseImageConfig(await rt.store.read(image.configDigest));
  const layer = manifest.layers.find((l) => isWasmLayer(l.mediaType));
  let wasm: WasmSource | undefined;
  if (layer) {
    wasm = { kind: 'layer', digest: layer.digest as Digest, title: layer.annotations?.['org.opencontainers.image.title'] };
  } else if (isWasmPlatform(config)) {
    wasm = { kind: 'tar', layers: manifest.layers.map((l) => ({ path: rt.store.path(l.digest as Digest), mediaType: l.mediaType })) };
  }
  const found: EngineKind = wasm ? 'wasm' : 'native';
  if (asked === 'wasm' && !wasm) {
    throw new ForgeError('InvalidArgument', `image ${image.configDigest.slice(7, 19)} is not a WebAssembly image: it has no wasm layer and its platform is ${config.os}/${config.architecture}`, {
      hint: 'package a module with `forgeone wasm build FILE.wasm -t NAME`, or drop --engine wasm',
      details: { reason: 'not-wasm-image' },
    });
  }
  if (asked && asked !== 'wasm' && wasm) {
    throw new ForgeError('InvalidArgument', `image ${image.configDigest.slice(7, 19)} is a WebAssembly module: the ${asked} engine cannot run it`, {
      hint: 'drop --engine (the engine is chosen from the image) or use --engine wasm',
      details: { reason: 'wasm-image' },
    });
  }
  return { engine: asked ?? found, config, ...(wasm ? { wasm } : {}) };
}

/** Largest module taken out of a tar layer (a guard against a layer that claims a huge file). */
const MAX_MODULE_BYTES = 512 * 1024 * 1024;

/**
 * The file at `file` (absolute, as the entrypoint names it) in the image's layers, topmost layer
 * first, honouring whiteouts. NotFound when no layer has it.
 */
export async function readFromLayers(layers: Array<{ path: string; mediaType: string }>, file: string): Promise<Buffer> {
  const rel = file.replace(/^\/+/, '');
  const dir = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/') + 1) : '';
  const whiteout = `${dir}.wh.${rel.slice(dir.length)}`;
  for (const layer of [...layers].reverse()) {
    const found = await findInTar(await openLayer(layer.path, layer.mediaType), rel, whiteout);
    if (found === 'deleted') break;
    if (found) return found;
  }
  // InvalidArgument, not NotFound: `run` takes a NotFound from create as "pull the image".
  throw new ForgeError('InvalidArgument', `the image has no file ${file} (its entrypoint)`, {
    hint: 'a wasi/wasm image names its .wasm module as its entrypoint',
    details: { reason: 'command-not-found' },
  });
}

function findInTar(input: Readable, rel: string, whiteout: string): Promise<Buffer | 'deleted' | undefined> {
  return new Promise((resolve, reject) => {
    const tar = extract();
    let result: Buffer | 'deleted' | undefined;
    tar.on('entry', (header, stream, next) => {
      const name = header.name.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
      if (name === whiteout) result = 'deleted';
      if (name !== rel || (header.type !== 'file' && header.type !== 'contiguous-file')) {
        stream.on('end', next);
        stream.resume();
        return;
      }
      if ((header.size ?? 0) > MAX_MODULE_BYTES) {
        stream.resume();
        return tar.destroy(new ForgeError('InvalidArgument', `${rel} in the image is over ${MAX_MODULE_BYTES / 1024 / 1024} MiB`));
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        result = Buffer.concat(chunks);
        next();
      });
    });
    tar.on('finish', () => resolve(result));
    tar.on('error', reject);
    input.on('error', reject);
    input.pipe(tar);
  });
}
