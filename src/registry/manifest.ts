/** Parsing and checking manifests and configs read from a registry or an archive. */
import { ForgeError } from '../errors';
import {
  INDEX_MEDIA_TYPES,
  MANIFEST_MEDIA_TYPES,
  MediaTypes,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
} from '../config/oci-image';
import { isDigest } from '../util/digest';

function parseJson(bytes: Buffer, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new ForgeError('InvalidArgument', `${what} is not valid JSON`, { cause: err });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ForgeError('InvalidArgument', `${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** The media type of a manifest or index, from the HTTP Content-Type or the document itself. */
export function detectMediaType(bytes: Buffer, contentType: string | undefined): string {
  const declared = contentType?.split(';')[0]?.trim();
  if (declared && (INDEX_MEDIA_TYPES.includes(declared) || MANIFEST_MEDIA_TYPES.includes(declared))) return declared;
  const doc = parseJson(bytes, 'manifest');
  if (typeof doc.mediaType === 'string') return doc.mediaType;
  if (doc.schemaVersion === 1) return 'application/vnd.docker.distribution.manifest.v1+json';
  if (Array.isArray(doc.manifests)) return MediaTypes.ociIndex;
  if (typeof doc.config === 'object') return MediaTypes.ociManifest;
  throw new ForgeError('InvalidArgument', 'cannot tell what kind of manifest this is (no mediaType, config or manifests)');
}

function checkDescriptor(d: unknown, where: string): void {
  const desc = d as { digest?: unknown; size?: unknown; mediaType?: unknown };
  if (typeof desc !== 'object' || desc === null) throw new ForgeError('InvalidArgument', `${where}: not a descriptor`);
  if (typeof desc.digest !== 'string' || !isDigest(desc.digest)) {
    throw new ForgeError('InvalidArgument', `${where}: invalid or unsupported digest ${JSON.stringify(desc.digest)}`);
  }
  if (typeof desc.size !== 'number' || !Number.isSafeInteger(desc.size) || desc.size < 0) {
    throw new ForgeError('InvalidArgument', `${where}: invalid size ${JSON.stringify(desc.size)}`);
  }
}

export function parseManifest(bytes: Buffer, mediaType: string): ImageManifest {
  if (mediaType.startsWith('application/vnd.docker.distribution.manifest.v1')) {
    throw new ForgeError('InvalidArgument', 'Docker schema 1 manifests are not supported', {
      hint: 'push the image again with a current client (schema 2 or OCI)',
    });
  }
  const doc = parseJson(bytes, 'image manifest') as unknown as ImageManifest;
  if (doc.schemaVersion !== 2) throw new ForgeError('InvalidArgument', `unsupported manifest schemaVersion ${String(doc.schemaVersion)}`);
  checkDescriptor(doc.config, 'manifest config');
  if (!Array.isArray(doc.layers)) throw new ForgeError('InvalidArgument', 'manifest has no layers array');
  doc.layers.forEach((l, i) => checkDescriptor(l, `manifest layer ${i}`));
  return doc;
}

export function parseIndex(bytes: Buffer): ImageIndex {
  const doc = parseJson(bytes, 'image index') as unknown as ImageIndex;
  if (doc.schemaVersion !== 2) throw new ForgeError('InvalidArgument', `unsupported index schemaVersion ${String(doc.schemaVersion)}`);
  if (!Array.isArray(doc.manifests)) throw new ForgeError('InvalidArgument', 'index has no manifests array');
  doc.manifests.forEach((m, i) => checkDescriptor(m, `index entry ${i}`));
  return doc;
}

export function parseImageConfig(bytes: Buffer): ImageConfig {
  const doc = parseJson(bytes, 'image config') as unknown as ImageConfig;
  if (typeof doc.architecture !== 'string' || typeof doc.os !== 'string') {
    throw new ForgeError('InvalidArgument', 'image config lacks architecture or os');
  }
  if (!doc.rootfs || !Array.isArray(doc.rootfs.diff_ids)) throw new ForgeError('InvalidArgument', 'image config lacks rootfs.diff_ids');
  return doc;
}

/** os/arch[/variant] as users write it. */
export function platformString(p: { os: string; architecture: string; variant?: string | undefined }): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}
