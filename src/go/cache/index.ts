// The verify-on-store module cache laid out like GOMODCACHE/cache/download. Filled by issue 4.
export {};
