// The build's defaults, in a module of their own so that the command line can show them without loading the build.
import type { PythonTarget } from './types.js';

/** The Python a build targets when the request does not say: 3.12 on linux. */
export const DEFAULT_PYTHON: PythonTarget = { version: [3, 12], platform: 'linux' };
