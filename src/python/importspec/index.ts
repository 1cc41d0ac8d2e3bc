// The string inside import python '…': sources, PEP 503 names, specifiers. Filled by issue 6.
export {};
