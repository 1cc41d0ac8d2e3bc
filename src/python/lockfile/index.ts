// [[python-package]] entries of mochi.lock: model, render, parse, diff, capabilities. Filled by issue 6.
export {};
