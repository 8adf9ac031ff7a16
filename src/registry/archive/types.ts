/**
 * Image archives: what `forgeone save` writes and `forgeone load` reads. One tar stream carries
 * one or more images as a Docker archive (`docker save`: classic, or Docker 25+'s OCI layout with
 * manifest.json beside it) or an OCI archive (a tarred OCI image layout).
 *
 * Lifecycle of an import: every blob of the archive is committed to the content store as it
 * streams by and leased at once; when the archive is resolved, blobs no image needs (and that
 * were not in the store before) are deleted again, and the rest stay leased until the caller,
 * having recorded the images in its database, calls `release()`.
 */
import type { Descriptor, Platform } from '../../config/oci-image';
import type { Digest } from '../../util/digest';

/** One image to export. */
export interface ArchiveImage {
  /** Full references (`docker.io/library/busybox:latest`); may be empty (a dangling image). */
  names: string[];
  /** An image manifest (OCI or Docker schema 2) committed in the store, never an index. */
  manifest: Descriptor;
}

/** One image an import committed to the store. */
export interface ImportedImage {
  /** Full references, normalised (`docker.io/library/busybox:latest`); empty when dangling. */
  names: string[];
  /** The image manifest (built by the importer for classic Docker archives). */
  manifest: Descriptor;
  config: Digest;
  layers: Descriptor[];
}

export interface ImportResult {
  images: ImportedImage[];
  /** Frees the lease on every blob the import kept; call once the images are recorded. */
  release: () => void;
}

export interface ImportOptions {
  /** Largest tar entry accepted, in bytes. Default: no limit (layers can be many GB). */
  maxEntrySize?: number;
  /**
   * Repository given to images whose OCI `ref.name` is only a tag (`latest`), as in
   * `skopeo copy … oci-archive:x.tar:latest`. Its own tag, if any, is replaced by ref.name.
   * Default: none, so such images are imported without a name.
   */
  defaultName?: string;
  /** Platform picked from an image index inside the archive. Default: the host's (linux/<arch>). */
  platform?: Platform;
}

/** The two formats an export can write. */
export type ArchiveFormat = 'docker-archive' | 'oci-archive';
