/**
 * Platforms (`os/arch[/variant]`): parsing `--platform`, the host's default, normalisation of the
 * many spellings (aarch64, x86_64, armhf) as containerd does, and choosing the manifest of an index
 * that best fits a platform. Pure.
 */
import type { Descriptor, ImageIndex, Platform } from '../config/oci-image';
import { ForgeError } from '../errors';

/** BuildKit marks attestation manifests in an index with this annotation. */
export const ANNOTATION_REFERENCE_TYPE = 'vnd.docker.reference.type';

const KNOWN_OS = new Set([
  'aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'js', 'linux', 'netbsd',
  'openbsd', 'plan9', 'solaris', 'wasi', 'wasip1', 'windows', 'zos',
]);
const KNOWN_ARCH = new Set([
  '386', 'amd64', 'arm', 'arm64', 'loong64', 'mips', 'mipsle', 'mips64', 'mips64le', 'ppc64', 'ppc64le',
  'riscv64', 's390x', 'wasm', 'i386', 'x86_64', 'x86-64', 'aarch64', 'armhf', 'armel',
]);
const COMPONENT = /^[A-Za-z0-9_.-]+$/;

/** Lowercases and folds aliases: x86_64 → amd64, aarch64 → arm64/v8, armhf → arm/v7, arm → arm/v7. */
export function normalizePlatform(p: Platform): Platform {
  let os = p.os.toLowerCase();
  if (os === 'macos') os = 'darwin';
  let arch = p.architecture.toLowerCase();
  let variant = p.variant?.toLowerCase() ?? '';
  switch (arch) {
    case 'i386':
      arch = '386';
      variant = '';
      break;
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      arch = 'amd64';
      if (variant === 'v1') variant = '';
      break;
    case 'aarch64':
    case 'arm64':
      arch = 'arm64';
      if (variant === '' || variant === '8' || variant === 'v8.0') variant = 'v8';
      break;
    case 'armhf':
      arch = 'arm';
      variant = 'v7';
      break;
    case 'armel':
      arch = 'arm';
      variant = 'v6';
      break;
    case 'arm':
      if (variant === '') variant = 'v7';
      else if (/^[5-8]$/.test(variant)) variant = `v${variant}`;
      break;
  }
  const out: Platform = { os, architecture: arch };
  if (variant) out.variant = variant;
  if (p['os.version']) out['os.version'] = p['os.version'];
  if (p['os.features']) out['os.features'] = p['os.features'];
  return out;
}

/**
 * Parses `linux/amd64`, `linux/arm64/v8`, or one component: an OS (`linux`, with the host's
 * architecture) or an architecture (`arm64`, on linux). Throws InvalidArgument.
 */
export function parsePlatform(spec: string, host: Platform = defaultPlatform()): Platform {
  const parts = spec.trim().split('/');
  const bad = (why: string) =>
    new ForgeError('InvalidArgument', `invalid platform "${spec}": ${why}`, { hint: 'use os/arch[/variant], e.g. linux/amd64 or linux/arm64/v8' });
  if (parts.length > 3 || parts.some((c) => !COMPONENT.test(c))) throw bad('expected os/arch[/variant]');
  const [first, arch, variant] = parts.map((c) => c.toLowerCase()) as [string, string?, string?];
  if (parts.length === 1) {
    if (KNOWN_OS.has(first)) return normalizePlatform({ os: first, architecture: host.architecture, ...(host.variant ? { variant: host.variant } : {}) });
    if (KNOWN_ARCH.has(first)) return normalizePlatform({ os: 'linux', architecture: first });
    throw bad(`"${first}" is neither a known operating system nor a known architecture`);
  }
  if (!KNOWN_OS.has(first) && first !== 'macos') throw bad(`unknown operating system "${first}"`);
  if (!KNOWN_ARCH.has(arch!)) throw bad(`unknown architecture "${arch}"`);
  return normalizePlatform({ os: first, architecture: arch!, ...(variant ? { variant } : {}) });
}

/** `linux/arm64/v8` */
export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/**
 * The platform of images this host runs by default. Always linux: containers run Linux images
 * whatever Node reports, and this runtime only runs on Linux anyway.
 */
export function defaultPlatform(arch: string = process.arch, armVersion: unknown = armVersionOfNode()): Platform {
  const map: Record<string, string> = {
    x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x',
    riscv64: 'riscv64', loong64: 'loong64', mips: 'mips', mipsel: 'mipsle',
  };
  const architecture = map[arch] ?? arch;
  const variant = architecture === 'arm' && armVersion !== undefined && /^[5-8]$/.test(String(armVersion)) ? `v${String(armVersion)}` : undefined;
  return normalizePlatform({ os: 'linux', architecture, ...(variant ? { variant } : {}) });
}

function armVersionOfNode(): unknown {
  return (process.config.variables as unknown as Record<string, unknown>).arm_version;
}

/**
 * How well an image for `candidate` fits a host of `wanted` (both normalised first): undefined
 * when it cannot run, 100 for an exact match, less for an older variant that still runs (arm/v6
 * on arm/v7, amd64 on amd64/v3), least for a candidate that names no variant.
 */
export function matchScore(candidate: Platform, wanted: Platform): number | undefined {
  const c = normalizePlatform(candidate);
  const w = normalizePlatform(wanted);
  if (c.os !== w.os || c.architecture !== w.architecture) return undefined;
  const cv = c.variant ?? '';
  const wv = w.variant ?? '';
  if (cv === wv) return 100;
  if (['arm', 'arm64', 'amd64'].includes(c.architecture)) {
    const cn = variantNumber(cv);
    const wn = variantNumber(wv);
    if (cn !== undefined && wn !== undefined) return cn < wn ? 90 - Math.min(80, Math.round((wn - cn) * 10)) : undefined;
  }
  return cv === '' ? 5 : undefined;
}

export function platformMatches(candidate: Platform, wanted: Platform): boolean {
  return matchScore(candidate, wanted) !== undefined;
}

/** `v7` → 7, `v8.2` → 8.2; the empty variant of amd64 is v1. */
function variantNumber(variant: string): number | undefined {
  if (variant === '') return 1;
  const m = /^v(\d+(?:\.\d+)?)$/.exec(variant);
  return m ? Number(m[1]) : undefined;
}

/** Attestations and other non-image entries that an index lists beside the images. */
export function isAttestationDescriptor(d: Descriptor): boolean {
  return d.annotations?.[ANNOTATION_REFERENCE_TYPE] !== undefined || (d.platform?.os === 'unknown' && d.platform.architecture === 'unknown');
}

/** The platforms an index offers, for messages and `manifest inspect`. */
export function availablePlatforms(index: Pick<ImageIndex, 'manifests'>): string[] {
  return index.manifests.filter((d) => d.platform && !isAttestationDescriptor(d)).map((d) => formatPlatform(d.platform!));
}

/**
 * The index entry to pull for `platform`: the best score, the first in index order among equals.
 * NotFound naming the platform and what the index offers when nothing fits.
 */
export function selectManifest(index: Pick<ImageIndex, 'manifests'>, platform: Platform): Descriptor {
  let best: { d: Descriptor; score: number } | undefined;
  for (const d of index.manifests) {
    if (!d.platform || isAttestationDescriptor(d)) continue;
    const score = matchScore(d.platform, platform);
    if (score !== undefined && (!best || score > best.score)) best = { d, score };
  }
  if (best) return best.d;
  const wanted = formatPlatform(normalizePlatform(platform));
  const available = availablePlatforms(index);
  throw new ForgeError('NotFound', `no matching manifest for ${wanted} in the manifest list entries`, {
    hint: available.length ? `the image is available for: ${available.join(', ')}; choose one with --platform` : 'the index lists no image manifests',
    details: { platform: wanted, available },
  });
}
