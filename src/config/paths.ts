/** Where things live on disk (DESIGN.md section 5), derived from --root and --runroot. */
import * as path from 'node:path';

export interface DataPaths {
  root: string;
  runroot: string;
  content: string;
  ingest: string;
  snapshots: string;
  containers: string;
  database: string;
  lockFile: string;
  socket: string;
  pidFile: string;
  daemonLog: string;
}

export function dataPaths(root: string, runroot: string): DataPaths {
  return {
    root,
    runroot,
    content: path.join(root, 'content'),
    ingest: path.join(root, 'ingest'),
    snapshots: path.join(root, 'snapshots'),
    containers: path.join(root, 'containers'),
    database: path.join(root, 'forgeone.db'),
    lockFile: path.join(root, 'forgeone.lock'),
    socket: path.join(runroot, 'forgeone.sock'),
    pidFile: path.join(runroot, 'forgeone.pid'),
    daemonLog: path.join(runroot, 'daemon.log'),
  };
}
