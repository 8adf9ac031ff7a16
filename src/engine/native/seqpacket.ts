/**
 * A client for conmon's attach socket, which is SOCK_SEQPACKET: Node's `net` cannot connect to it
 * (EPROTOTYPE, HOST-NOTES 11), so we use `node-unix-socket` (a prebuilt N-API addon). We connect
 * through `/proc/self/fd/<dir fd>/<name>`, as conmon binds it, so a deep state dir never exceeds
 * the 108-byte sun_path limit.
 */
import { closeSync, openSync, constants as fsc } from 'node:fs';
import * as path from 'node:path';
import type { SeqpacketSocket } from 'node-unix-socket';
import { ForgeError } from '../../errors';

export type { SeqpacketSocket };

/**
 * The addon is loaded at the first attach, not with the daemon: a daemon whose containers are
 * never attached to (detached runs, the API's create+start) does without its ~0.5–2 MB.
 */
function seqpacketSocket(): SeqpacketSocket {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (see above)
  const { SeqpacketSocket: Socket } = require('node-unix-socket') as typeof import('node-unix-socket');
  return new Socket();
}

export function connectSeqpacket(socketPath: string, timeoutMs = 5000): Promise<SeqpacketSocket> {
  let dirFd: number;
  try {
    dirFd = openSync(path.dirname(socketPath), fsc.O_RDONLY | fsc.O_DIRECTORY);
  } catch (err) {
    return Promise.reject(new ForgeError('FailedPrecondition', `attach socket ${socketPath} is gone: the task is not running`, { cause: err }));
  }
  return new Promise<SeqpacketSocket>((resolve, reject) => {
    const socket = seqpacketSocket();
    let settled = false;
    const settle = (err?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      closeSync(dirFd);
      if (err === undefined) return resolve(socket);
      socket.destroy();
      reject(new ForgeError('FailedPrecondition', `cannot connect to ${socketPath}: ${(err as Error).message}`, { cause: err }));
    };
    const timer = setTimeout(() => settle(new Error('timed out')), timeoutMs);
    socket.once('error', (err: Error) => settle(err));
    try {
      socket.connect(`/proc/self/fd/${dirFd}/${path.basename(socketPath)}`, () => settle());
    } catch (err) {
      settle(err);
    }
  });
}
