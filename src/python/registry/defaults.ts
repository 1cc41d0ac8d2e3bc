// The index defaults, in a module of their own so that settings can name them without loading the HTTP client.

/** The default index of `registry` imports. */
export const DEFAULT_INDEX_URL = 'https://pypi.org/simple/';
/** Environment variable naming the index for `registry` imports. */
export const INDEX_URL_ENV = 'MOCHI_PYTHON_INDEX_URL';
