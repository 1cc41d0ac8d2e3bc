// The h1: directory hash (golang.org/x/mod/sumdb/dirhash). Filled by issue 3.
export {};
