// A one-line progress display on stderr: only on a terminal, never under CI, NO_COLOR-safe.
import type { CommandContext } from './context.js';

export interface Progress {
  /** Replaces the current status line (throttled). */
  update(text: string): void;
  /** Clears the line; later output starts on a clean line. */
  done(): void;
}

const silent: Progress = { update() {}, done() {} };

/** True when a live status line makes sense: stderr is a terminal and CI is not set. */
export function wantsProgress(ctx: CommandContext): boolean {
  return ctx.stderr.isTTY === true && !ctx.env.CI && ctx.env.TERM !== 'dumb';
}

/** A progress line for long work; a no-op when piped, under CI, or when `quiet` is set. */
export function createProgress(ctx: CommandContext, quiet = false): Progress {
  if (quiet || ctx.verbosity === 'quiet' || !wantsProgress(ctx)) return silent;
  let last = 0;
  let shown = false;
  return {
    update(text) {
      const now = Date.now();
      if (now - last < 80) return;
      last = now;
      const width = Math.max(20, (ctx.stderr.columns ?? 80) - 1);
      const line = text.length > width ? `${text.slice(0, width - 1)}…` : text;
      ctx.stderr.write(`\r\x1b[K${line}`);
      shown = true;
    },
    done() {
      if (shown) ctx.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}
