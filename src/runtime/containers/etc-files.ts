/** The /etc/hosts, /etc/hostname and /etc/resolv.conf a container gets (bind-mounted files). */
import { promises as fs, readFileSync } from 'node:fs';
import type { ContainerPaths } from '../../config/paths';

export async function writeEtcFiles(paths: ContainerPaths, hostname: string): Promise<void> {
  await fs.writeFile(paths.hostname, `${hostname}\n`, { mode: 0o644 });
  await fs.writeFile(
    paths.hosts,
    ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', 'fe00::0\tip6-localnet', 'ff00::0\tip6-mcastprefix', `127.0.1.1\t${hostname}`, ''].join('\n'),
    { mode: 0o644 },
  );
  await fs.writeFile(paths.resolvConf, resolvConf(), { mode: 0o644 });
}

/** The host's resolv.conf without loopback resolvers (unreachable from a container's netns). */
function resolvConf(): string {
  let text = '';
  try {
    text = readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    return '';
  }
  return (
    text
      .split('\n')
      .filter((line) => !/^\s*nameserver\s+(127\.|::1)/.test(line))
      .join('\n')
      .trim() + '\n'
  );
}
