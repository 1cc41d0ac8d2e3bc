// Small Mochi projects shared by the lock tests of the CLI and of the library.

/** One path-sourced stub package (`geo`) and one typeshed-style stub directory (`colors`, version 1.2.*). */
export const TWO_IMPORT_PROJECT: Readonly<Record<string, string>> = {
  'app.mochi': 'import python "geo@path+./stubs/geo" as geo\nimport python "colors@>=1.0" as colors\n',
  'stubs/geo/__init__.pyi': 'def distance(a: float, b: float) -> float: ...\n',
  'typeshed/stubs/colors/METADATA.toml': 'version = "1.2.*"\n',
  'typeshed/stubs/colors/colors/__init__.pyi': 'RED: int\ndef mix(a: int, b: int) -> int: ...\n',
};
