/**
 * Image references, parsed and normalised the way Docker does (distribution/reference):
 * `busybox` → `docker.io/library/busybox:latest`, `host:port/repo@sha256:…`.
 * Parsing is pure and happens before any I/O, so a malformed reference never reaches the network.
 */
import { ForgeError } from '../errors';
import type { Digest } from '../util/digest';

export const DEFAULT_DOMAIN = 'docker.io';
export const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
export const OFFICIAL_REPO_PREFIX = 'library/';
export const DEFAULT_TAG = 'latest';
const NAME_TOTAL_LENGTH_MAX = 255;

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const IPV6_HOST = /^\[[a-fA-F0-9:]+\]$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;

/** A parsed, normalised reference. `tag` defaults to latest only when there is no digest. */
export interface ImageReference {
  /** Registry host, with port: `docker.io`, `127.0.0.1:5000`. */
  readonly domain: string;
  /** Repository path inside the registry: `library/busybox`. */
  readonly path: string;
  readonly tag: string | undefined;
  readonly digest: Digest | undefined;
}

function invalid(input: string, why: string): ForgeError {
  return new ForgeError('InvalidArgument', `invalid reference "${input}": ${why}`, {
    hint: 'use [registry[:port]/]name[:tag][@sha256:<64 hex>]',
    details: { reference: input },
  });
}

function isDomain(candidate: string): boolean {
  let host = candidate;
  let port: string | undefined;
  if (candidate.startsWith('[')) {
    const end = candidate.indexOf(']');
    if (end < 0) return false;
    host = candidate.slice(0, end + 1);
    const rest = candidate.slice(end + 1);
    if (rest) {
      if (!rest.startsWith(':')) return false;
      port = rest.slice(1);
    }
    if (!IPV6_HOST.test(host)) return false;
  } else {
    const colon = candidate.lastIndexOf(':');
    if (colon >= 0) {
      host = candidate.slice(0, colon);
      port = candidate.slice(colon + 1);
    }
    if (!host.split('.').every((part) => DOMAIN_COMPONENT.test(part))) return false;
  }
  if (port !== undefined && !/^[0-9]+$/.test(port)) return false;
  return true;
}

/** Parses and normalises; throws InvalidArgument with the reason on anything malformed. */
export function parseReference(input: string): ImageReference {
  if (typeof input !== 'string' || input.length === 0) throw invalid(String(input), 'it is empty');
  if (input !== input.trim() || /\s/.test(input)) throw invalid(input, 'it contains whitespace');
  if (/^sha256:[a-f0-9]{64}$/.test(input) || /^[a-f0-9]{64}$/.test(input)) {
    throw invalid(input, 'it is an image ID, not a name; refer to the image by name, or use an image ID where one is accepted');
  }

  let rest = input;
  let digest: Digest | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const d = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(d)) throw invalid(input, `"${d}" is not a valid digest`);
    if (!d.startsWith('sha256:')) throw invalid(input, `digest algorithm "${d.split(':')[0]}" is not supported (only sha256)`);
    if (!/^sha256:[a-f0-9]{64}$/.test(d)) throw invalid(input, 'a sha256 digest has 64 lowercase hex characters');
    digest = d as Digest;
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > lastSlash) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag)) throw invalid(input, `"${tag}" is not a valid tag (letters, digits, _ . -, at most 128, not starting with . or -)`);
  }
  if (rest.length === 0) throw invalid(input, 'the repository name is empty');

  let domain = DEFAULT_DOMAIN;
  let path = rest;
  const firstSlash = rest.indexOf('/');
  if (firstSlash >= 0) {
    const first = rest.slice(0, firstSlash);
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase()) {
      if (!isDomain(first)) throw invalid(input, `"${first}" is not a valid registry host`);
      domain = first;
      path = rest.slice(firstSlash + 1);
    }
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (path !== path.toLowerCase()) throw invalid(input, 'repository name must be lowercase');
  for (const component of path.split('/')) {
    if (!PATH_COMPONENT.test(component)) {
      throw invalid(input, component === '' ? 'it has an empty path component' : `"${component}" is not a valid repository name component`);
    }
  }
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = OFFICIAL_REPO_PREFIX + path;
  if (domain.length + 1 + path.length > NAME_TOTAL_LENGTH_MAX) {
    throw invalid(input, `the repository name is longer than ${NAME_TOTAL_LENGTH_MAX} characters`);
  }
  if (tag === undefined && digest === undefined) tag = DEFAULT_TAG;
  return { domain, path, tag, digest };
}

/** Same as parseReference, but a reference that must name a tag (push, tag DST) refuses a digest. */
export function parseTaggedReference(input: string): ImageReference & { tag: string } {
  const ref = parseReference(input);
  if (ref.digest !== undefined) throw invalid(input, 'a digest cannot be used here; give a tag');
  return ref as ImageReference & { tag: string };
}

/** `docker.io/library/busybox` */
export function repositoryName(ref: Pick<ImageReference, 'domain' | 'path'>): string {
  return `${ref.domain}/${ref.path}`;
}

/** The canonical full string: `docker.io/library/busybox:latest`, `host/repo@sha256:…`. */
export function formatReference(ref: ImageReference): string {
  let s = repositoryName(ref);
  if (ref.tag !== undefined) s += `:${ref.tag}`;
  if (ref.digest !== undefined) s += `@${ref.digest}`;
  return s;
}

/** The short form Docker prints: `busybox:latest`, `myorg/app:1`, `127.0.0.1:5000/x:y`. */
export function familiarName(ref: Pick<ImageReference, 'domain' | 'path'>): string {
  if (ref.domain !== DEFAULT_DOMAIN) return repositoryName(ref);
  return ref.path.startsWith(OFFICIAL_REPO_PREFIX) ? ref.path.slice(OFFICIAL_REPO_PREFIX.length) : ref.path;
}

export function familiarString(ref: ImageReference): string {
  let s = familiarName(ref);
  if (ref.tag !== undefined) s += `:${ref.tag}`;
  if (ref.digest !== undefined) s += `@${ref.digest}`;
  return s;
}

/** The same repository with another tag or digest. */
export function withTag(ref: ImageReference, tag: string): ImageReference {
  return { domain: ref.domain, path: ref.path, tag, digest: undefined };
}

export function withDigest(ref: ImageReference, digest: Digest): ImageReference {
  return { domain: ref.domain, path: ref.path, tag: undefined, digest };
}
