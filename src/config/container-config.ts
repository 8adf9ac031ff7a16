/**
 * What a user asks for when creating a container (the CLI's flags, the API's body), validated
 * with zod. Written once at create, never changed (DESIGN.md convention 5); the changing state
 * is a separate record.
 */
import { z } from 'zod';
import { ForgeError } from '../errors';
import { isIPv4 } from './port-spec';

const PortRequestSchema = z.object({
  containerPort: z.number().int().min(1).max(65535),
  protocol: z.enum(['tcp', 'udp']).default('tcp'),
  hostPort: z.number().int().min(0).max(65535).default(0),
  hostIp: z.string().refine(isIPv4, 'hostIp must be an IPv4 address').optional(),
});

export const MountSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('bind'), source: z.string().min(1), target: z.string().min(1), readonly: z.boolean().default(false) }),
  z.object({ type: z.literal('volume'), source: z.string().min(1), target: z.string().min(1), readonly: z.boolean().default(false) }),
  z.object({ type: z.literal('tmpfs'), target: z.string().min(1), options: z.array(z.string()).default([]) }),
]);
export type MountRequest = z.infer<typeof MountSchema>;

export const RestartPolicySchema = z.object({
  name: z.enum(['no', 'on-failure', 'always', 'unless-stopped']).default('no'),
  maximumRetryCount: z.number().int().min(0).default(0),
});
export type RestartPolicy = z.infer<typeof RestartPolicySchema>;

export const ContainerConfigSchema = z
  .object({
    /** The image as the user named it. */
    image: z.string().min(1),
    name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'names may hold [a-zA-Z0-9][a-zA-Z0-9_.-]').max(128).optional(),
    /** Replaces the image's Cmd when given. */
    cmd: z.array(z.string()).optional(),
    /** Replaces the image's Entrypoint when given; [] clears it. */
    entrypoint: z.array(z.string()).optional(),
    env: z.array(z.string().regex(/^[^=]+=/, 'env entries are KEY=VALUE')).default([]),
    workingDir: z.string().optional(),
    /** uid[:gid] or a name from the image's /etc/passwd. */
    user: z.string().optional(),
    tty: z.boolean().default(false),
    openStdin: z.boolean().default(false),
    /** Close the task's stdin when the first attached client closes it (docker run -i sets it). */
    stdinOnce: z.boolean().default(false),
    labels: z.record(z.string(), z.string()).default({}),
    hostname: z.string().max(63).optional(),
    mounts: z.array(MountSchema).default([]),
    readOnlyRootfs: z.boolean().default(false),
    resources: z
      .object({
        /** Bytes. */
        memory: z.number().int().min(6 * 1024 * 1024).optional(),
        /** CPUs, fractional. */
        cpus: z.number().positive().max(1024).optional(),
        pidsLimit: z.number().int().min(-1).optional(),
        /** Relative CPU weight under contention (Docker's CpuShares; 1024 is the kernel's default). */
        cpuShares: z.number().int().min(2).max(262144).optional(),
      })
      .default({}),
    capAdd: z.array(z.string()).default([]),
    capDrop: z.array(z.string()).default([]),
    /** `no-new-privileges[:true|false]`, `seccomp=unconfined|<file>`. */
    securityOpt: z.array(z.string()).default([]),
    restartPolicy: RestartPolicySchema.default({ name: 'no', maximumRetryCount: 0 }),
    autoRemove: z.boolean().default(false),
    /** Run catatonit as PID 1. */
    init: z.boolean().default(false),
    stopSignal: z.string().optional(),
    /** Seconds before stop falls back to SIGKILL. */
    stopTimeout: z.number().int().min(0).optional(),
    /** native (default) or wasm; chosen from the image when absent. */
    engine: z.enum(['native', 'wasm', 'microvm']).optional(),
    /** `bridge` (default), `none`, `host` or a network's name or ID (docs/networking.md). */
    networkMode: z.string().min(1).default('bridge'),
    /** Published ports (`-p`); hostPort 0 = a free port picked at each start. */
    ports: z.array(PortRequestSchema).default([]),
    /** Also publish every port the image EXPOSEs, each on a free host port (`-P`). */
    publishAll: z.boolean().default(false),
    /** Resolvers for /etc/resolv.conf instead of the host's (`--dns`). */
    dns: z.array(z.string().refine(isIPv4, 'DNS servers must be IPv4 addresses')).default([]),
    /** Extra /etc/hosts lines, `name:IP` (`--add-host`). */
    extraHosts: z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*:\d{1,3}(\.\d{1,3}){3}$/, 'extra hosts are NAME:IPv4')).default([]),
    /** More names for the container on its user network (`--network-alias`). */
    networkAliases: z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'aliases may hold [A-Za-z0-9_.-]')).default([]),
  })
  .strict();

export type ContainerConfig = z.infer<typeof ContainerConfigSchema>;
export type ContainerConfigInput = z.input<typeof ContainerConfigSchema>;

export function parseContainerConfig(input: unknown): ContainerConfig {
  const result = ContainerConfigSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    throw new ForgeError('InvalidArgument', `invalid container config: ${problems}`);
  }
  return result.data;
}
