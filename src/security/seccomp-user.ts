/**
 * A user's seccomp profile (`--security-opt seccomp=<file>` or the JSON itself, which is what
 * the docker CLI sends): parsed, validated and turned into the OCI form. Both the OCI format and
 * Docker's (`archMap`, `name`, `includes`/`excludes` by capability, architecture and kernel) are
 * accepted, so profiles written for Docker work unchanged. Anything malformed is refused here
 * with InvalidArgument rather than by the OCI runtime at start, where the reason gets lost.
 */
import { errors } from '../errors';
import type { SeccompProfile } from '../config/runtime-spec';
import { kernelAtLeast, seccompArchitectures } from './seccomp';

type SyscallRule = SeccompProfile['syscalls'][number];
type Arg = NonNullable<SyscallRule['args']>[number];

const ACTIONS = new Set([
  'SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_TRAP', 'SCMP_ACT_ERRNO',
  'SCMP_ACT_TRACE', 'SCMP_ACT_ALLOW', 'SCMP_ACT_LOG',
]);
const OPS = new Set(['SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ']);
const FLAGS = new Set(['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV']);
/** Larger than any real profile (Docker's is ~20 KiB); stops a mistaken path to a huge file. */
export const MAX_PROFILE_BYTES = 1024 * 1024;

export interface UserProfileContext {
  /** The container's capabilities, for Docker-format `includes.caps` / `excludes.caps`. */
  capabilities: readonly string[];
  arch?: string;
  kernelRelease: string;
}

type Json = Record<string, unknown>;

function bad(problem: string): never {
  throw errors.invalidArgument(`invalid seccomp profile: ${problem}`, {
    hint: 'the profile must be JSON in the OCI (linux.seccomp) or Docker seccomp format',
  });
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isUint = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function stringList(v: unknown, what: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) bad(`${what} must be a list of strings`);
  return v as string[];
}

function action(v: unknown, what: string): string {
  if (typeof v !== 'string' || !ACTIONS.has(v)) bad(`${what}: unknown or unsupported action ${JSON.stringify(v)}`);
  return v;
}

function parseArgs(v: unknown, what: string): Arg[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) bad(`${what}.args must be a list`);
  return v.map((a, i) => {
    if (!isObject(a)) bad(`${what}.args[${i}] must be an object`);
    if (!isUint(a.index) || a.index > 5) bad(`${what}.args[${i}].index must be 0..5`);
    if (!isUint(a.value)) bad(`${what}.args[${i}].value must be a non-negative integer`);
    if (a.valueTwo !== undefined && !isUint(a.valueTwo)) bad(`${what}.args[${i}].valueTwo must be a non-negative integer`);
    if (typeof a.op !== 'string' || !OPS.has(a.op)) bad(`${what}.args[${i}].op: unknown operator ${JSON.stringify(a.op)}`);
    return { index: a.index, value: a.value, ...(a.valueTwo !== undefined ? { valueTwo: a.valueTwo as number } : {}), op: a.op };
  });
}

/** Docker's `includes`/`excludes`: does this rule apply to this container on this host? */
function applies(rule: Json, ctx: UserProfileContext, archs: readonly string[], what: string): boolean {
  const inc = rule.includes ?? {};
  const exc = rule.excludes ?? {};
  if (!isObject(inc) || !isObject(exc)) bad(`${what}.includes/excludes must be objects`);
  const caps = new Set(ctx.capabilities);
  const incCaps = stringList(inc.caps, `${what}.includes.caps`);
  const incArches = stringList(inc.arches, `${what}.includes.arches`).map(dockerArch);
  if (incCaps.some((c) => !caps.has(c))) return false;
  if (incArches.length && !incArches.some((a) => archs.includes(a))) return false;
  if (inc.minKernel !== undefined) {
    if (typeof inc.minKernel !== 'string' || !/^\d+\.\d+/.test(inc.minKernel)) bad(`${what}.includes.minKernel must look like "4.8"`);
    const [maj, min] = inc.minKernel.split('.').map(Number) as [number, number];
    if (!kernelAtLeast(ctx.kernelRelease, [maj, min])) return false;
  }
  if (stringList(exc.caps, `${what}.excludes.caps`).some((c) => caps.has(c))) return false;
  if (stringList(exc.arches, `${what}.excludes.arches`).map(dockerArch).some((a) => archs.includes(a))) return false;
  return true;
}

/** Docker writes arches as Go names (amd64, arm64); map them to seccomp's. */
function dockerArch(a: string): string {
  return seccompArchitectures(a)[0] ?? a;
}

function architectures(doc: Json, ctx: UserProfileContext): string[] | undefined {
  if (doc.archMap !== undefined && doc.archMap !== null) {
    if (!Array.isArray(doc.archMap)) bad('archMap must be a list');
    const native = seccompArchitectures(ctx.arch)[0];
    const entry = (doc.archMap as unknown[]).find((e) => isObject(e) && e.architecture === native) as Json | undefined;
    if (!entry) return seccompArchitectures(ctx.arch);
    return [native as string, ...stringList(entry.subArchitectures, 'archMap.subArchitectures')];
  }
  if (doc.architectures === undefined) return undefined;
  const list = stringList(doc.architectures, 'architectures');
  if (list.some((a) => !/^SCMP_ARCH_[A-Z0-9_]+$/.test(a))) bad('architectures must be SCMP_ARCH_* names');
  return list;
}

/** Parses and validates a profile's JSON text for a container with the given context. */
export function parseSeccompProfile(text: string, ctx: UserProfileContext): SeccompProfile {
  if (Buffer.byteLength(text) > MAX_PROFILE_BYTES) bad(`larger than ${MAX_PROFILE_BYTES} bytes`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw errors.invalidArgument(`invalid seccomp profile: not JSON (${(err as Error).message})`, { cause: err });
  }
  if (!isObject(doc)) bad('the top level must be an object');
  if (doc.listenerPath !== undefined) bad('listenerPath (SCMP_ACT_NOTIFY) is not supported');
  const profile: SeccompProfile = { defaultAction: action(doc.defaultAction, 'defaultAction'), syscalls: [] };
  if (doc.defaultErrnoRet !== undefined) {
    if (!isUint(doc.defaultErrnoRet)) bad('defaultErrnoRet must be a non-negative integer');
    profile.defaultErrnoRet = doc.defaultErrnoRet;
  }
  const archs = architectures(doc, ctx);
  if (archs) profile.architectures = archs;
  const flags = stringList(doc.flags, 'flags');
  if (flags.some((f) => !FLAGS.has(f))) bad(`unknown flag in ${JSON.stringify(flags)}`);
  if (flags.length) profile.flags = flags;
  const effectiveArchs = archs?.length ? archs : seccompArchitectures(ctx.arch);

  if (doc.syscalls !== undefined && doc.syscalls !== null && !Array.isArray(doc.syscalls)) bad('syscalls must be a list');
  ((doc.syscalls as unknown[] | undefined) ?? []).forEach((raw, i) => {
    const what = `syscalls[${i}]`;
    if (!isObject(raw)) bad(`${what} must be an object`);
    const names = [...stringList(raw.names, `${what}.names`), ...(typeof raw.name === 'string' ? [raw.name] : [])];
    if (names.length === 0) bad(`${what} names no syscall`);
    const invalid = names.find((n) => !/^[a-z_][a-z0-9_]*$/.test(n));
    if (invalid !== undefined) bad(`${what}: ${JSON.stringify(invalid)} is not a syscall name`);
    const rule: SyscallRule = { names, action: action(raw.action, `${what}.action`) };
    if (raw.errnoRet !== undefined) {
      if (!isUint(raw.errnoRet)) bad(`${what}.errnoRet must be a non-negative integer`);
      rule.errnoRet = raw.errnoRet;
    }
    const args = parseArgs(raw.args, what);
    if (args?.length) rule.args = args;
    if (applies(raw, ctx, effectiveArchs, what)) profile.syscalls.push(rule);
  });
  return profile;
}
