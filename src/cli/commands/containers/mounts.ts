/**
 * `-v` and `--tmpfs` → mount requests. Like docker: `-v /abs/host:/ctr[:ro]` binds a host path,
 * `-v name:/ctr` mounts a named volume, and a relative host path is refused (it would be read
 * as a volume name; docker asks for an absolute path too).
 */
import * as path from 'node:path';
import { ForgeError } from '../../../errors';
import type { MountRequest } from '../../../config/container-config';

/** Docker's rule for local volume names (two characters at least). */
const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** `/a//b/` → `/a/b` (docker cleans both paths the same way). */
const clean = (p: string) => path.posix.normalize(p).replace(/(.)\/+$/, '$1');

function invalid(spec: string, why: string, hint?: string): ForgeError {
  return new ForgeError('InvalidArgument', `invalid volume specification "${spec}": ${why}`, hint ? { hint } : {});
}

export function parseVolume(spec: string): MountRequest {
  const parts = spec.split(':');
  if (parts.length === 1) {
    throw invalid(spec, 'anonymous volumes are not supported', `name the volume: -v NAME:${spec}`);
  }
  if (parts.length > 3) throw invalid(spec, 'expected SOURCE:TARGET[:OPTIONS]');
  const [source = '', target = '', options = ''] = parts;
  if (!source) throw invalid(spec, 'the source is empty');
  if (!path.posix.isAbsolute(target)) throw invalid(spec, `the container path "${target}" must be absolute`);
  let readonly = false;
  const seen = new Set<string>();
  for (const option of options ? options.split(',') : []) {
    if (option === 'ro' || option === 'rw') {
      if (seen.has(option === 'ro' ? 'rw' : 'ro')) throw invalid(spec, 'both ro and rw given');
      readonly = option === 'ro';
    } else if (option !== 'z' && option !== 'Z') {
      // z/Z (SELinux relabelling) are accepted for compatibility and mean nothing without SELinux.
      throw invalid(spec, `unknown option "${option}" (supported: ro, rw)`);
    }
    seen.add(option);
  }
  const cleanTarget = clean(target);
  if (path.posix.isAbsolute(source)) return { type: 'bind', source: clean(source), target: cleanTarget, readonly };
  if (VOLUME_NAME.test(source)) return { type: 'volume', source, target: cleanTarget, readonly };
  throw invalid(
    spec,
    `"${source}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed`,
    `to bind a host directory, give its absolute path (e.g. -v "$PWD/${source.replace(/^\.\//, '')}:${target}")`,
  );
}

/** `--tmpfs /run[:rw,size=64m,mode=1777]`. */
export function parseTmpfs(spec: string): MountRequest {
  const colon = spec.indexOf(':');
  const target = colon < 0 ? spec : spec.slice(0, colon);
  const options = colon < 0 ? [] : spec.slice(colon + 1).split(',').filter(Boolean);
  if (!path.posix.isAbsolute(target)) throw new ForgeError('InvalidArgument', `invalid --tmpfs "${spec}": the container path must be absolute`);
  return { type: 'tmpfs', target: clean(target), options };
}

/** Mount targets must not repeat (docker: "Duplicate mount point"). */
export function checkDuplicateTargets(mounts: MountRequest[]): void {
  const seen = new Set<string>();
  for (const m of mounts) {
    if (seen.has(m.target)) throw new ForgeError('InvalidArgument', `duplicate mount point: ${m.target}`);
    seen.add(m.target);
  }
}
