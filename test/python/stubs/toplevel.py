# Reference side of the stub differential: CPython's own `ast` over stub files, in one process.
# Reads {"files": [...], "version": [3, 12], "platform": "linux"} as JSON on stdin and prints, per
# file, the top-level function names (with the async flag) and class names after evaluating
# `if` branches exactly as src/python/stubs/condition.ts documents (three-valued: what is not
# understood keeps both branches), or the SyntaxError. `parseMs` is the time spent in ast.parse
# alone (reading files and startup excluded), for the benchmark.
import ast
import json
import sys
import time

TYPE_CHECKING_NAMES = {"TYPE_CHECKING", "typing.TYPE_CHECKING", "typing_extensions.TYPE_CHECKING"}


def dotted(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


class Opaque:
    pass


OPAQUE = Opaque()


def value(node, target, depth=0):
    if depth > 100:
        return OPAQUE
    version, platform = target
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool):
            return OPAQUE
        if isinstance(node.value, int):
            return node.value
        if isinstance(node.value, str):
            return node.value
        return OPAQUE
    if isinstance(node, (ast.Tuple, ast.List)):
        items = [value(e, target, depth + 1) for e in node.elts]
        if all(isinstance(i, int) and not isinstance(i, bool) for i in items):
            return ("tuple", tuple(items))
        return ("seq", items)
    name = dotted(node)
    if name == "sys.version_info":
        return ("tuple", tuple(version))
    if name == "sys.platform":
        return platform
    if isinstance(node, ast.Subscript) and dotted(node.value) == "sys.version_info":
        s = node.slice
        if isinstance(s, ast.Constant) and type(s.value) is int:
            return version[s.value] if 0 <= s.value < len(version) else OPAQUE
        if isinstance(s, ast.Slice) and s.lower is None and s.step is None and isinstance(s.upper, ast.Constant) and type(s.upper.value) is int:
            return ("tuple", tuple(version[: s.upper.value]))
    return OPAQUE


def compare(op, a, b):
    if isinstance(op, (ast.In, ast.NotIn)):
        if not isinstance(a, str) or not (isinstance(b, tuple) and b[0] == "seq"):
            return None
        if not all(isinstance(i, str) for i in b[1]):
            return None
        found = a in b[1]
        return found if isinstance(op, ast.In) else not found
    if isinstance(a, tuple) and isinstance(b, tuple) and a[0] == b[0] == "tuple":
        x, y = a[1], b[1]
    elif type(a) is int and type(b) is int:
        x, y = a, b
    elif isinstance(a, str) and isinstance(b, str):
        if not isinstance(op, (ast.Eq, ast.NotEq)):
            return None
        x, y = a, b
    else:
        return None
    ops = {ast.Eq: x == y, ast.NotEq: x != y, ast.Lt: x < y, ast.LtE: x <= y, ast.Gt: x > y, ast.GtE: x >= y}
    return ops.get(type(op))


def truth(node, target, depth=0):
    """True, False, or None (unknown)."""
    if depth > 100:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        return node.value
    name = dotted(node)
    if name is not None:
        return True if name in TYPE_CHECKING_NAMES else None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        t = truth(node.operand, target, depth + 1)
        return None if t is None else not t
    if isinstance(node, ast.BoolOp):
        ts = [truth(v, target, depth + 1) for v in node.values]
        if isinstance(node.op, ast.And):
            return False if False in ts else (True if all(t is True for t in ts) else None)
        return True if True in ts else (False if all(t is False for t in ts) else None)
    if isinstance(node, ast.Compare):
        result = True
        left = node.left
        for op, right in zip(node.ops, node.comparators):
            t = compare(op, value(left, target), value(right, target))
            if t is False:
                return False
            if t is None:
                result = None
            left = right
        return result
    if isinstance(node, ast.Call) and dotted(node.func) == "sys.platform.startswith":
        if len(node.args) != 1 or node.keywords:
            return None
        v = value(node.args[0], target)
        if isinstance(v, str):
            return target[1].startswith(v)
        if isinstance(v, tuple) and v[0] == "seq" and all(isinstance(i, str) for i in v[1]):
            return any(target[1].startswith(i) for i in v[1])
        return None
    return None


def walk(body, target, out):
    for stmt in body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out["functions"].append([stmt.name, isinstance(stmt, ast.AsyncFunctionDef)])
        elif isinstance(stmt, ast.ClassDef):
            out["classes"].append(stmt.name)
        elif isinstance(stmt, ast.If):
            t = truth(stmt.test, target)
            if t is not False:
                walk(stmt.body, target, out)
            if t is not True:
                walk(stmt.orelse, target, out)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            walk(stmt.body, target, out)
            for h in stmt.handlers:
                walk(h.body, target, out)
            walk(stmt.orelse, target, out)
            walk(stmt.finalbody, target, out)


def main():
    req = json.load(sys.stdin)
    target = (tuple(req["version"]), req["platform"])
    sources = {}
    for f in req["files"]:
        with open(f, "rb") as fh:
            sources[f] = fh.read()
    trees = {}
    t0 = time.perf_counter()
    for f, src in sources.items():
        try:
            trees[f] = ast.parse(src, filename=f)
        except SyntaxError as e:
            trees[f] = e
    parse_ms = (time.perf_counter() - t0) * 1000
    results = {}
    for f, tree in trees.items():
        if isinstance(tree, SyntaxError):
            results[f] = {"error": f"{tree.lineno}:{tree.offset}: {tree.msg}"}
            continue
        out = {"functions": [], "classes": []}
        walk(tree.body, target, out)
        results[f] = out
    json.dump({"results": results, "parseMs": parse_ms}, sys.stdout)


main()
