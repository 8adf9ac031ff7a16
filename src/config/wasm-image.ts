/**
 * WebAssembly images (issue 5): the media types and platforms that mark an image as a WASM
 * module, and the artifact `forgeone wasm build` makes from a .wasm file. Shared by runtime/
 * (which engine runs an image), cli/ (building one) and engine/wasm/. Pure.
 *
 * Two shapes are accepted, as containerd's runwasi shims do:
 *  - an OCI artifact whose layer is the raw module: `application/wasm` (CNCF wasm-oci-artifact),
 *    `application/vnd.wasm.content.layer.v1+wasm` (wasm-to-oci), runwasi's
 *    `application/vnd.bytecodealliance.wasm.component.layer.v0+wasm`, and crun's
 *    `application/vnd.module.wasm.content.layer.v1+wasm`;
 *  - an ordinary image with platform `wasi/wasm` (or `wasip1`) whose entrypoint is a .wasm file in
 *    a tar layer (`docker buildx --platform wasi/wasm`).
 * What we build is the first shape, with a regular OCI image config (os wasip1, arch wasm, the
 * module's digest as its diff_id), so every existing tool (pull, push, save, skopeo) handles it.
 */
import { createHash } from 'node:crypto';
import type { Descriptor, ImageConfig, ImageManifest } from './oci-image';

export const WASM_LAYER_MEDIA_TYPES: readonly string[] = [
  'application/wasm',
  'application/vnd.wasm.content.layer.v1+wasm',
  'application/vnd.bytecodealliance.wasm.component.layer.v0+wasm',
  'application/vnd.module.wasm.content.layer.v1+wasm',
];

export const WASM_OS = ['wasi', 'wasip1', 'wasip2'] as const;

/** The `\0asm` magic and version 1 of a core module (a component has version 0x0d). */
export const WASM_MAGIC = Buffer.from([0x00, 0x61, 0x73, 0x6d]);

export function isWasmLayer(mediaType: string): boolean {
  return WASM_LAYER_MEDIA_TYPES.includes(mediaType);
}

/** An image config whose platform says WebAssembly. */
export function isWasmPlatform(config: Pick<ImageConfig, 'os' | 'architecture'>): boolean {
  return config.architecture === 'wasm' || (WASM_OS as readonly string[]).includes(config.os);
}

export function hasWasmMagic(bytes: Buffer): boolean {
  return bytes.length >= 8 && bytes.subarray(0, 4).equals(WASM_MAGIC);
}

/** What the first bytes of a file look like, for "this is not a WASM module" messages. */
export function describeHead(bytes: Buffer): string {
  if (bytes.length === 0) return 'it is empty';
  const text = bytes.subarray(0, 16).toString('latin1');
  if (/^[\x20-\x7e\t\r\n]+$/.test(text)) return `it starts with the text ${JSON.stringify(text)}`;
  return `it starts with bytes ${bytes.subarray(0, 8).toString('hex')}`;
}

export interface WasmArtifactOptions {
  /** The module's name inside the image, and argv[0]: `/hello.wasm`. */
  entrypoint: string;
  /** Default arguments after argv[0]. */
  cmd?: string[];
  env?: string[];
  /** Default: now. */
  created?: Date;
  labels?: Record<string, string>;
}

export interface WasmArtifact {
  /** Each blob by digest: the module, the config, the manifest. */
  blobs: Map<string, Buffer>;
  manifest: Descriptor;
  config: ImageConfig;
}

const digestOf = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** The OCI image (manifest + config + the module as an `application/wasm` layer) of one module. */
export function buildWasmArtifact(module: Buffer, o: WasmArtifactOptions): WasmArtifact {
  const layer: Descriptor = {
    mediaType: 'application/wasm',
    digest: digestOf(module),
    size: module.length,
    annotations: { 'org.opencontainers.image.title': o.entrypoint.replace(/^.*\//, '') },
  };
  const config: ImageConfig = {
    created: (o.created ?? new Date()).toISOString(),
    architecture: 'wasm',
    os: 'wasip1',
    config: {
      Entrypoint: [o.entrypoint],
      ...(o.cmd?.length ? { Cmd: o.cmd } : {}),
      ...(o.env?.length ? { Env: o.env } : {}),
      ...(o.labels ? { Labels: o.labels } : {}),
    },
    // A raw module is its own uncompressed content, so its diff_id is its digest.
    rootfs: { type: 'layers', diff_ids: [layer.digest] },
    history: [{ created: (o.created ?? new Date()).toISOString(), created_by: `forgeone wasm build ${o.entrypoint}` }],
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(configBytes), size: configBytes.length },
    layers: [layer],
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const blobs = new Map<string, Buffer>([
    [layer.digest, module],
    [manifest.config.digest, configBytes],
    [digestOf(manifestBytes), manifestBytes],
  ]);
  return {
    blobs,
    manifest: { mediaType: manifest.mediaType!, digest: digestOf(manifestBytes), size: manifestBytes.length },
    config,
  };
}
