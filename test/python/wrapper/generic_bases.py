# The reference for generic bases: how CPython's typing binds each ancestor's type parameters.
# argv: .py files (also valid .pyi) defining classes; prints {file: {class: {ancestor: {param: type}}}}
# for every class C… each file defines and every ancestor in its __mro__ with type parameters, where
# type is rendered the Mochi way (str -> string, list[int] -> list<int>, a TypeVar -> its name).
# The bindings come from CPython itself: __parameters__ (parameter order), __orig_bases__ and the
# substitution of generic aliases (alias[args]).
import json
import sys
import typing

SCALARS = {int: "int", str: "string", bytes: "bytes", float: "float", bool: "bool"}


def fmt(t):
    if isinstance(t, typing.TypeVar):
        return t.__name__
    if t in SCALARS:
        return SCALARS[t]
    if typing.get_origin(t) is list:
        return "list<%s>" % fmt(typing.get_args(t)[0])
    raise ValueError(repr(t))


def bindings(cls):
    env = {cls: {p: p for p in getattr(cls, "__parameters__", ())}}
    for anc in cls.__mro__:
        if anc not in env:
            continue
        for base in getattr(anc, "__orig_bases__", ()):
            origin = typing.get_origin(base) or base
            if origin in (typing.Generic, typing.Protocol) or origin in env:
                continue
            params = getattr(base, "__parameters__", ())
            if params:
                base = base[tuple(env[anc][p] for p in params)]
            env[origin] = dict(zip(getattr(origin, "__parameters__", ()), typing.get_args(base)))
    return {
        anc.__name__: {p.__name__: fmt(v) for p, v in b.items()}
        for anc, b in env.items()
        if anc is not cls and b
    }


result = {}
for path in sys.argv[1:]:
    ns = {}
    exec(compile(open(path).read(), path, "exec"), ns)
    result[path] = {
        name: bindings(value) for name, value in ns.items() if isinstance(value, type) and name.startswith("C")
    }
json.dump(result, sys.stdout, sort_keys=True)
