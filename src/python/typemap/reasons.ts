// The closed set of skip reasons, each with the sentence docs/python.md and `python inspect` show.
import type { SkipReason } from './types.js';

/**
 * Every skip reason with what it means. Typed as a full record so that adding a reason to
 * `SkipReason` without documenting it here fails to compile.
 */
export const SKIP_REASONS: Readonly<Record<SkipReason, string>> = {
  'unsupported-construct':
    'the annotation uses a typing construct with no Mochi equivalent (a call or other expression, Self outside a class, a malformed subscript)',
  paramspec: 'the signature uses a ParamSpec or Concatenate',
  typevartuple: 'the signature uses a TypeVarTuple or Unpack',
  'unresolved-name':
    'a name in the annotation is defined neither in the package nor in the modules available to it',
  'private-name': 'the name starts with an underscore and is not listed in __all__',
  'unsupported-key-type': 'a dict or Mapping whose key type is not string or int',
  overload: 'no overload of the function lowers completely (each overload failed; the detail lists why)',
  complex: 'the annotation nests too deeply, or a type alias refers to itself',
};
