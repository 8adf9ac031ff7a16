/**
 * A pass-through stage that also writes every chunk to a second stream (the mirror), waiting for
 * the mirror to drain before taking the next chunk, so the slower of the two sets the pace and
 * nothing piles up in memory. Used to unpack a layer while it downloads: the content store keeps
 * writing its blob file, the unpacker reads the same bytes as they arrive.
 *
 * The mirror never decides the main flow: if it fails or is closed by its reader, it is dropped
 * and the main stream goes on alone. The owner ends the mirror (`finish`) only once the main
 * flow's result is known to be good (the blob's digest verified), or destroys it (`abort`), so a
 * reader never mistakes a truncated or corrupt stream for a complete one.
 */
import { Transform, type TransformCallback, type Writable } from 'node:stream';

export class MirrorStream extends Transform {
  private mirror: Writable | undefined;

  constructor(mirror: Writable) {
    super();
    this.mirror = mirror;
    const drop = () => {
      this.mirror = undefined;
    };
    mirror.once('error', drop);
    mirror.once('close', drop);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    const m = this.mirror;
    if (!m || m.destroyed || m.writableEnded) return cb(null, chunk);
    if (m.write(chunk)) return cb(null, chunk);
    const go = () => {
      m.off('drain', go);
      m.off('close', go);
      cb(null, chunk);
    };
    m.once('drain', go);
    m.once('close', go);
  }

  /** The main flow succeeded: end the mirror (its reader sees a clean end of stream). */
  finish(): void {
    const m = this.mirror;
    this.mirror = undefined;
    if (m && !m.destroyed && !m.writableEnded) m.end();
  }

  /** The main flow failed: the mirror's reader gets `err`. */
  abort(err: Error): void {
    const m = this.mirror;
    this.mirror = undefined;
    if (m && !m.destroyed) m.destroy(err);
  }
}
