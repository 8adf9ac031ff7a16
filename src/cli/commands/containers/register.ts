/**
 * Registers the container commands twice, like docker: at the top level (`run`, `ps`, `rm`…)
 * and under `container` (`container run`, `container ls`…); and the `volume` group.
 */
import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { registerCp } from './cp';
import { registerCreate } from './create';
import { registerExec } from './exec';
import { registerInspect } from './inspect';
import { registerLifecycle } from './lifecycle';
import { registerLogs } from './logs';
import { registerPs } from './ps';
import { registerRemove } from './remove';
import { registerRun } from './run';
import { registerTop } from './top';
import { registerPort } from './port';
import { registerVolumeCommands } from './volumes';

export function registerContainerCommands(program: Command, ctx: CliContext): void {
  const container = program.command('container').description('manage containers');
  for (const parent of [program, container]) {
    registerRun(parent, ctx);
    registerCreate(parent, ctx);
    registerLifecycle(parent, ctx);
    registerExec(parent, ctx);
    registerLogs(parent, ctx);
    registerTop(parent, ctx);
    registerPort(parent, ctx); // issue 7
    registerCp(parent, ctx);
  }
  registerPs(program, container, ctx);
  registerRemove(program, container, ctx);
  registerInspect(program, container, ctx);
  registerVolumeCommands(program, ctx);
}
