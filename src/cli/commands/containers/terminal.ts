/**
 * The CLI's own terminal during an interactive session: raw mode (every key, Ctrl-C and
 * Ctrl-D included, goes to the container as bytes) restored whatever happens, and the window
 * size sent to the container's TTY at start and on every SIGWINCH.
 */

/** Puts a TTY stdin in raw mode; the returned function (idempotent) restores it. */
export function enterRawMode(stdin: NodeJS.ReadStream): () => void {
  if (!stdin.isTTY) return () => undefined;
  const wasRaw = stdin.isRaw;
  stdin.setRawMode(true);
  let restored = false;
  // A crash or process.exit() must not leave the user's shell in raw mode.
  const onExit = () => restore();
  process.once('exit', onExit);
  function restore(): void {
    if (restored) return;
    restored = true;
    process.removeListener('exit', onExit);
    try {
      stdin.setRawMode(wasRaw);
    } catch {
      // stdin already closed: nothing left to restore.
    }
  }
  return restore;
}

export type Resize = (rows: number, cols: number) => Promise<void>;

/**
 * Sends the terminal size now (retrying briefly: the container's TTY may not exist yet right
 * after start, as docker does) and on each resize; returns the function that stops watching.
 */
export function followWindowSize(out: NodeJS.WriteStream, resize: Resize): () => void {
  if (!out.isTTY) return () => undefined;
  const send = () => resize(out.rows, out.columns);
  void (async () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        await send();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 10 * (attempt + 1)));
      }
    }
  })();
  const onResize = () => void send().catch(() => undefined);
  out.on('resize', onResize);
  return () => out.removeListener('resize', onResize);
}

/** Signals the CLI passes on to an attached container without a TTY (docker's --sig-proxy). */
const PROXIED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR2'];

/** Forwards those signals through `send`; returns the function that stops forwarding. */
export function proxySignals(send: (signal: NodeJS.Signals) => Promise<void>, onError: (err: Error) => void): () => void {
  const handlers = PROXIED.map((signal) => {
    const handler = () => void send(signal).catch(onError);
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  };
}
