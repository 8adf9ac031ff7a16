/**
 * Checks on fetched manifest bytes: their digest (verified when a digest was asked for, computed
 * otherwise) and their media type (from Content-Type, else from the JSON itself). Pure.
 */
import { isIndexMediaType, isManifestMediaType, MediaTypes } from '../../config/oci-image';
import { ForgeError } from '../../errors';
import { sha256, type Digest } from '../../util/digest';

/** Docker's limit: a manifest larger than this is refused rather than buffered. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** The digest of `bytes`; when `expected` is given they must match (Internal naming both). */
export function manifestDigest(bytes: Buffer, expected: Digest | undefined, subject: string): Digest {
  const actual = sha256(bytes);
  if (expected !== undefined && actual !== expected) {
    throw new ForgeError('Internal', `manifest digest mismatch for ${subject}: expected ${expected}, the registry sent content with digest ${actual}`, {
      details: { expected, actual },
    });
  }
  return actual;
}

/**
 * The media type of a manifest or index. A known Content-Type wins; registries that answer
 * `application/json` or `text/plain` are read by the JSON's `mediaType`, and OCI documents that
 * omit it by their shape (`manifests` → index, `config` + `layers` → manifest).
 */
export function detectManifestMediaType(contentType: string | string[] | undefined, bytes: Buffer, subject: string): string {
  const header = (Array.isArray(contentType) ? contentType[0] : contentType)?.split(';')[0]?.trim().toLowerCase();
  if (isIndexMediaType(header) || isManifestMediaType(header)) return header!;
  let json: { mediaType?: unknown; schemaVersion?: unknown; manifests?: unknown; config?: unknown; layers?: unknown };
  try {
    json = JSON.parse(bytes.toString('utf8')) as typeof json;
  } catch (err) {
    throw new ForgeError('InvalidArgument', `manifest of ${subject} is not valid JSON`, { cause: err });
  }
  if (json.schemaVersion === 1) {
    throw new ForgeError('NotImplemented', `${subject} uses Docker image manifest schema 1, which is not supported`, {
      hint: 'push the image again with a current client to convert it to schema 2 or OCI',
    });
  }
  const mediaType = typeof json.mediaType === 'string' ? json.mediaType : undefined;
  if (isIndexMediaType(mediaType) || isManifestMediaType(mediaType)) return mediaType!;
  if (mediaType === undefined && json.schemaVersion === 2) {
    if (Array.isArray(json.manifests)) return MediaTypes.ociIndex;
    if (json.config !== undefined && Array.isArray(json.layers)) return MediaTypes.ociManifest;
  }
  throw new ForgeError('InvalidArgument', `unsupported manifest media type "${mediaType ?? header ?? 'none'}" for ${subject}`, {
    details: { contentType: header, mediaType },
  });
}
