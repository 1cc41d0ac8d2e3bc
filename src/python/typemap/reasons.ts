// The closed set of skip reasons, each with the sentence the README and `python inspect` show.
import type { SkipReason } from './types.js';

/**
 * Every skip reason with what it means. Typed as a full record so that adding a reason to
 * `SkipReason` without documenting it here fails to compile.
 */
export const SKIP_REASONS: Readonly<Record<SkipReason, string>> = {
  'unsupported-construct':
    'the annotation uses a typing construct with no Mochi equivalent (type[C], Callable without a parameter list, a call or other expression)',
  paramspec: 'the signature uses a ParamSpec or Concatenate',
  typevartuple: 'the signature uses a TypeVarTuple or Unpack',
  'unresolved-name':
    'a name in the annotation is defined neither in the package nor in the modules available to it',
  'open-union-any': 'a union (or Optional) has an Any branch, so the union says nothing Mochi can check',
  'any-type':
    'the annotation is Any, object, missing (implicitly Any), or a bare generic such as list or dict whose elements are Any',
  'private-name': 'the name starts with an underscore and is not listed in __all__',
  'mutable-dataclass': 'a dataclass that is not frozen: Mochi records are immutable values',
  'unsupported-key-type': 'a dict or Mapping whose key type is not string or int',
  overload: 'no overload of the function lowers completely (each overload failed; the detail lists why)',
  complex: 'the annotation nests too deeply, or a type alias refers to itself',
};
