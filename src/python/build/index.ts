// Filled by issue 5.
export type * from './types.js';
