// Finding a Mochi project's foreign imports in its *.mochi sources. Filled by issue 6.
export {};
