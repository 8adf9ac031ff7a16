/**
 * The security part of a container's spec: capabilities, no_new_privileges, the seccomp
 * profile (default, unconfined, or the user's, validated) and the masked and read-only paths,
 * from the user's --cap-add/--cap-drop and --security-opt.
 */
import { readFileSync } from 'node:fs';
import { release } from 'node:os';
import type { ContainerConfig } from '../../config/container-config';
import type { RuntimeProcess, SeccompProfile } from '../../config/runtime-spec';
import { errors } from '../../errors';
import { processCapabilities, resolveCapabilities } from '../../security/capabilities';
import { MASKED_PATHS, READONLY_PATHS } from '../../security/paths';
import { defaultSeccompProfile } from '../../security/seccomp';
import { MAX_PROFILE_BYTES, parseSeccompProfile } from '../../security/seccomp-user';
import { parseSecurityOpts, type SeccompChoice } from '../../security/security-opt';

export interface SecurityPart {
  capabilities: NonNullable<RuntimeProcess['capabilities']>;
  noNewPrivileges: boolean;
  seccomp?: SeccompProfile;
  maskedPaths: string[];
  readonlyPaths: string[];
}

export interface SecurityEnv {
  /** Reads a seccomp profile named by path. Default: fs.readFileSync (the daemon's host). */
  readFile?: (path: string) => string;
  arch?: string;
  kernelRelease?: string;
}

function readProfile(path: string, readFile: (path: string) => string): string {
  try {
    return readFile(path);
  } catch (err) {
    throw errors.invalidArgument(`cannot read seccomp profile ${path}: ${(err as Error).message}`, {
      cause: err,
      details: { path },
    });
  }
}

function seccompFor(choice: SeccompChoice, caps: string[], env: SecurityEnv): SeccompProfile | undefined {
  const kernelRelease = env.kernelRelease ?? release();
  const ctx = { capabilities: caps, arch: env.arch, kernelRelease };
  switch (choice.kind) {
    case 'unconfined':
      return undefined;
    case 'default':
      return defaultSeccompProfile(ctx);
    case 'inline':
      return parseSeccompProfile(choice.json, ctx);
    case 'file': {
      const read = env.readFile ?? ((p: string) => {
        const data = readFileSync(p);
        if (data.length > MAX_PROFILE_BYTES) throw new Error(`larger than ${MAX_PROFILE_BYTES} bytes`);
        return data.toString('utf8');
      });
      return parseSeccompProfile(readProfile(choice.path, read), ctx);
    }
  }
}

export function buildSecurity(
  config: Pick<ContainerConfig, 'capAdd' | 'capDrop' | 'securityOpt'>,
  env: SecurityEnv = {},
): SecurityPart {
  const opts = parseSecurityOpts(config.securityOpt ?? []);
  const caps = resolveCapabilities({ add: config.capAdd, drop: config.capDrop });
  const seccomp = seccompFor(opts.seccomp, caps, env);
  return {
    capabilities: processCapabilities(caps),
    noNewPrivileges: opts.noNewPrivileges,
    ...(seccomp ? { seccomp } : {}),
    maskedPaths: [...MASKED_PATHS],
    readonlyPaths: [...READONLY_PATHS],
  };
}
