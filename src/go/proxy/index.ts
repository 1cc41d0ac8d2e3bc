// The GOPROXY protocol client and GOPROXY list semantics. Filled by issue 4.
export {};
