// .pyi source -> stub surface, parser-backed. Filled by issue 5.
export {};
