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

export interface ContainerPaths {
  /** `<root>/containers/<id>`: bundle (config.json), upper/work/rootfs, log, etc files. */
  dir: string;
  rootfs: string;
  logPath: string;
  /** The runtime spec as written at create. */
  specFile: string;
  hosts: string;
  hostname: string;
  resolvConf: string;
}

export function containerPaths(paths: DataPaths, id: string): ContainerPaths {
  const dir = path.join(paths.containers, id);
  return {
    dir,
    rootfs: path.join(dir, 'rootfs'),
    logPath: path.join(dir, 'ctr.log'),
    specFile: path.join(dir, 'spec.json'),
    hosts: path.join(dir, 'hosts'),
    hostname: path.join(dir, 'hostname'),
    resolvConf: path.join(dir, 'resolv.conf'),
  };
}
