// What an interrupted command does before it ends: remove the temp files it was writing, then die of the signal.
import { removeOwnTempsSync } from '../util/atomic.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Removes the handlers {@link removeTempsOnSignals} installed, if any. */
let uninstall: (() => void) | undefined;

/**
 * Installs handlers for SIGINT, SIGTERM and SIGHUP that remove every temp file and folder this
 * process is writing (a module zip half downloaded, a lock or a wrapper folder half written) and
 * then end the process by the same signal, so that its parent sees what it would have seen
 * without the handler (a shell's 130 for Ctrl-C). Every target is replaced only by a rename, so
 * what is left is the old content or the new, and no `.tmp-` file beside it. The entry point
 * (bin/mochi-pkg.js) installs them once, before any command runs; `serve`, which stops gracefully
 * on these signals, takes them over with {@link leaveSignalsToCommand}.
 */
export function removeTempsOnSignals(): void {
  if (uninstall !== undefined) return;
  const handlers = SIGNALS.map((signal) => {
    const handler = () => {
      removeOwnTempsSync();
      uninstall?.();
      process.kill(process.pid, signal);
    };
    process.once(signal, handler);
    return [signal, handler] as const;
  });
  uninstall = () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
    uninstall = undefined;
  };
}

/** Removes the handlers of {@link removeTempsOnSignals}: the command handles the signals itself. */
export function leaveSignalsToCommand(): void {
  uninstall?.();
}
