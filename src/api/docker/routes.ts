/**
 * The Docker Engine API compatibility layer (docs/docker-api.md lists what is supported): thin
 * handlers that speak Docker's request and response shapes and call the same runtime/ verbs as
 * the native API. Registered before the native routes so the bare `/_ping` is Docker's.
 */
import type { RuntimeContext } from '../../runtime/context';
import type { Router } from '../router';
import { dockerRoutes } from './route';
import { registerDockerSystemRoutes } from './system';
import { registerDockerContainerRoutes } from './containers';
import { registerDockerStreamRoutes } from './container-streams';
import { registerDockerExecRoutes } from './exec';
import { registerDockerImageRoutes } from './images';
import { registerDockerVolumeRoutes } from './volumes';
import { registerDockerEventRoutes } from './events';
import { registerDockerNetworkRoutes } from './networks';

export function registerDockerRoutes(router: Router, rt: RuntimeContext): void {
  const docker = dockerRoutes(router, rt.logger);
  registerDockerSystemRoutes(docker, rt);
  registerDockerContainerRoutes(docker, rt);
  registerDockerStreamRoutes(docker, rt);
  registerDockerExecRoutes(docker, rt);
  registerDockerImageRoutes(docker, rt);
  registerDockerVolumeRoutes(docker, rt);
  registerDockerEventRoutes(docker, rt);
  registerDockerNetworkRoutes(docker, rt);
}
