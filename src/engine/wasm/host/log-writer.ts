/**
 * The container log as the host writes it: the module's fd 1 and 2 in the k8s-file format every
 * engine uses (`logs`, `attach` and `logs -f` read it unchanged). Writes are synchronous because
 * they happen inside the module's fd_write call, on the thread that runs the module. At
 * `maxSize` the file is replaced by a new empty one, as conmon rotates (readers follow the inode).
 */
import { closeSync, openSync, renameSync, writeSync, fstatSync } from 'node:fs';
import { formatK8sRecords, type LogStream } from '../../logs/k8s-record';

export class LogWriter {
  private fd: number;
  private size: number;

  constructor(
    private readonly file: string,
    private readonly maxSize: number,
  ) {
    this.fd = openSync(file, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  write(stream: LogStream, data: Buffer): void {
    if (data.length === 0) return;
    const records = Buffer.from(formatK8sRecords(new Date(), stream, data.toString('utf8')));
    if (this.maxSize > 0 && this.size + records.length > this.maxSize && this.size > 0) this.rotate();
    writeSync(this.fd, records);
    this.size += records.length;
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }

  private rotate(): void {
    const tmp = `${this.file}.rotate`;
    const fd = openSync(tmp, 'w', 0o600);
    renameSync(tmp, this.file);
    closeSync(this.fd);
    this.fd = fd;
    this.size = 0;
  }
}
