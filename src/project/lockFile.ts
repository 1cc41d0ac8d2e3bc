// The lock file's name, in a module of its own so that commands can name it without loading the planner.

/** The lock file at the project root. */
export const LOCK_FILE = 'mochi.lock';
