// PEP 440 versions and specifiers, in agreement with pip's packaging. Filled by issue 7.
export {};
