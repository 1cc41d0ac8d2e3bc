// Module zips: check, extract, create (golang.org/x/mod/zip). Filled by issue 3.
export {};
