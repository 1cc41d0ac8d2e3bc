// Test helpers that turn "returns or throws a mochi-pkg error" into comparable values.
import { MochiPkgError } from '../../src/errors.js';
import { InvalidPathError, type PathRule } from '../../src/go/module/index.js';

/** The rule a path check reports, or 'ok'. Other errors propagate. */
export function ruleOf(fn: () => void): PathRule | 'ok' {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (e instanceof InvalidPathError) return e.rule;
    throw e;
  }
}

/** `{ out }` when `fn` returns, `{ err: true }` when it throws a MochiPkgError; others propagate. */
export function outcome(fn: () => string): { out: string } | { err: true } {
  try {
    return { out: fn() };
  } catch (e) {
    if (e instanceof MochiPkgError) return { err: true };
    throw e;
  }
}

/** True when `fn` returns, false when it throws a MochiPkgError; others propagate. */
export function succeeds(fn: () => void): boolean {
  return (
    'out' in
    outcome(() => {
      fn();
      return '';
    })
  );
}
