// The package's own version, read once from package.json so the CLI and library agree.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pkg = require('../package.json') as { version: string };

/** The version of mochi-pkg, as in its package.json. */
export const VERSION: string = pkg.version;
