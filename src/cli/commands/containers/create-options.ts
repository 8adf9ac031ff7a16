/** The flags `run` and `create` share (docker's names), and the options of a container group. */
import type { Command } from 'commander';
import { DEFAULT_DETACH_KEYS } from './detach-keys';

export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function addCreateOptions(cmd: Command): Command {
  return (
    cmd
      .option('--name <name>', 'assign a name to the container')
      .option('--rm', 'remove the container when it exits')
      .option('-i, --interactive', 'keep STDIN open and attach it')
      .option('-t, --tty', 'allocate a pseudo-TTY')
      .option('-e, --env <KEY=VALUE>', 'set an environment variable (KEY alone takes the value from here)', collect)
      .option('--env-file <file>', 'read environment variables from a file', collect)
      .option('-w, --workdir <dir>', 'working directory inside the container (absolute)')
      .option('-u, --user <user[:group]>', 'user name or uid[:gid]')
      .option('--entrypoint <cmd>', 'override the image\'s entrypoint ("" clears it)')
      .option('-v, --volume <src:dst[:ro]>', 'bind an absolute host path or mount a named volume', collect)
      .option('--tmpfs <path[:opts]>', 'mount a tmpfs (e.g. /run:size=64m)', collect)
      .option('--read-only', 'mount the root filesystem read-only')
      .option('--hostname <name>', 'container host name')
      .option('-m, --memory <bytes>', 'memory limit (units b, k, m, g: 64m)')
      .option('--cpus <number>', 'CPU limit (e.g. 0.5)')
      .option('--pids-limit <n>', 'process limit (-1 for none)')
      .option('--cap-add <cap>', 'add a Linux capability', collect)
      .option('--cap-drop <cap>', 'drop a Linux capability', collect)
      .option('--security-opt <opt>', 'security options (no-new-privileges, seccomp=unconfined|FILE)', collect)
      .option('--restart <policy>', 'no, on-failure[:max-retries], always or unless-stopped')
      .option('-l, --label <k=v>', 'set a label', collect)
      .option('--init', 'run an init as PID 1 that forwards signals and reaps zombies')
      .option('--stop-signal <signal>', 'signal that stops the container (default SIGTERM)')
      .option('--stop-timeout <seconds>', 'seconds before stop kills the container')
      .option('--network <mode>', 'bridge (default), none, host or a network name')
      .option('-p, --publish <[ip:]host:ctr[/udp]>', 'publish a container port on the host (all addresses unless an IP is given)', collect)
      .option('-P, --publish-all', 'publish every EXPOSEd port on a free host port')
      .option('--dns <ip>', 'a DNS server for /etc/resolv.conf', collect)
      .option('--add-host <name:ip>', 'add a line to /etc/hosts', collect)
      .option('--network-alias <name>', 'another name for the container on its user network', collect)
      .option('--engine <engine>', 'native or wasm (default: chosen from the image)')
      .option('--platform <os/arch>', 'platform to pull if the image is missing')
      .option('--pull <policy>', 'pull the image: missing (default), always or never')
      .option('-q, --quiet', 'do not show the pull progress')
      // Passed through: everything after the image is the container's command and its flags.
      .passThroughOptions()
  );
}

export function addDetachKeysOption(cmd: Command): Command {
  return cmd.option('--detach-keys <keys>', `keys that detach from the container (default ${DEFAULT_DETACH_KEYS})`);
}
