/**
 * The filesystems every container gets (the same set and options as Docker and Podman), and
 * the bind mounts of the /etc files the runtime writes for it. Options err on the safe side:
 * nothing under /proc, /sys or /dev is executable or setuid, /sys is read-only.
 */
import type { RuntimeMount } from '../config/runtime-spec';

/** Bytes of /dev/shm unless the user asks otherwise: Docker's 64 MiB. */
export const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;

export interface DefaultMountOptions {
  /** Size of /dev/shm in bytes. Default DEFAULT_SHM_SIZE. */
  shmSize?: number;
}

export function defaultMounts(opts: DefaultMountOptions = {}): RuntimeMount[] {
  const shmSize = opts.shmSize ?? DEFAULT_SHM_SIZE;
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    // A small tmpfs: the runtime creates the standard device nodes in it; strictatime because
    // some programs check tty idle time through atime.
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    // newinstance: the container's own pty namespace, never the host's ptys; gid 5 is "tty".
    {
      destination: '/dev/pts',
      type: 'devpts',
      source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${shmSize}`] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    // With a cgroup namespace the container sees only its own cgroup, read-only.
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['ro', 'nosuid', 'noexec', 'nodev'] },
  ];
}

export interface EtcFiles {
  /** Host paths of the files the runtime wrote in the container's directory. */
  hosts: string;
  hostname: string;
  resolvConf: string;
}

/**
 * /etc/hosts, /etc/hostname and /etc/resolv.conf. They stay writable even with a read-only
 * root filesystem (as in Docker: tools rewrite them), but nothing in them may run or be a device.
 */
export function etcMounts(files: EtcFiles): RuntimeMount[] {
  const options = ['rbind', 'rprivate', 'nosuid', 'nodev', 'noexec'];
  return [
    { destination: '/etc/hosts', type: 'bind', source: files.hosts, options: [...options] },
    { destination: '/etc/hostname', type: 'bind', source: files.hostname, options: [...options] },
    { destination: '/etc/resolv.conf', type: 'bind', source: files.resolvConf, options: [...options] },
  ];
}
