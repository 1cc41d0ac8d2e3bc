// Go's semver dialect (golang.org/x/mod/semver): parse, compare, sort. Filled by issue 2.
export {};
