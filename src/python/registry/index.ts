// Python package indexes (PEP 691/503) and wheels as a stub provider. Filled by issue 7.
export {};
