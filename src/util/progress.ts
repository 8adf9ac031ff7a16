/**
 * Progress of long operations (pull, push, load), in the shape Docker streams as JSON lines,
 * so the CLI renders bars and the Docker-compatible API passes them through unchanged.
 */

export interface ProgressEvent {
  /** Layer short ID, or absent for a message about the whole operation. */
  id?: string;
  status: string;
  progressDetail?: { current?: number; total?: number };
  /** Set on the final line of a failed stream. */
  error?: string;
  errorDetail?: { code?: string; message: string; hint?: string };
  /** Structured result on the final line (the pulled image, for example). */
  aux?: Record<string, unknown>;
}

export type ProgressSink = (event: ProgressEvent) => void;

export const ignoreProgress: ProgressSink = () => undefined;
