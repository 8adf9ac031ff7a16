/**
 * The container's argv from the image's Entrypoint/Cmd and the user's, resolved as Docker does:
 * - a user entrypoint replaces the image's AND drops the image's Cmd (`docker run --entrypoint`
 *   "clears out any default command set on the image"); `[]` or `[""]` is `--entrypoint ""`;
 * - a user cmd replaces the image's Cmd; an empty one counts as not given (API clients send
 *   `[]` and `null` interchangeably);
 * - argv = entrypoint ++ cmd, and an empty argv is an error.
 */
import type { ContainerConfig } from '../../config/container-config';
import type { ImageConfig } from '../../config/oci-image';
import { errors } from '../../errors';

export function resolveCommand(
  config: Pick<ContainerConfig, 'entrypoint' | 'cmd'>,
  image: Pick<ImageConfig, 'config'>,
): string[] {
  const userCmd = config.cmd?.length ? config.cmd : undefined;
  let entrypoint: readonly string[];
  let cmd: readonly string[];
  if (config.entrypoint !== undefined) {
    entrypoint = config.entrypoint.length === 1 && config.entrypoint[0] === '' ? [] : config.entrypoint;
    cmd = userCmd ?? [];
  } else {
    entrypoint = image.config?.Entrypoint ?? [];
    cmd = userCmd ?? image.config?.Cmd ?? [];
  }
  const args = [...entrypoint, ...cmd];
  if (args.length === 0) {
    throw errors.invalidArgument('no command specified', {
      hint: 'the image has no Entrypoint or Cmd: give a command after the image name',
    });
  }
  return args;
}
