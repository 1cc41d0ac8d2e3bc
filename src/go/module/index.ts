// Module path and version rules and the proxy escape codec (golang.org/x/mod/module). Filled by issue 2.
export {};
