# Reference side of the stub differential: CPython's own `ast` over stub files, in one process.
# Reads {"files": [...], "version": [3, 12], "platform": "linux"} as JSON on stdin and prints, per
# file, the top-level function names (with the async flag) and class names after evaluating
# `if` branches exactly as src/python/stubs/condition.ts documents (three-valued: what is not
# understood keeps both branches), or the SyntaxError. With "runs": N (the benchmark), `parseMs` is
# the best of N timings of ast.parse alone over all files (reading files and startup excluded),
# `parseCpuMs` the best CPU time (time.process_time) of the same loops;
# "names": false skips the name lists; "signatures": true adds, per file, the parameters (kind,
# default, annotation) and return annotation of top-level functions and of top-level classes'
# methods, as TypeExpr JSON (src/python/stubs/types.ts) built from the ast.
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


class Source:
    """Source text with line offsets, for node text (ast.get_source_segment re-splits per call)."""

    def __init__(self, text):
        self.data = text.encode("utf-8")
        self.starts = [0]
        for line in self.data.split(b"\n"):
            self.starts.append(self.starts[-1] + len(line) + 1)

    def segment(self, node):
        if getattr(node, "end_lineno", None) is None:
            return None
        start = self.starts[node.lineno - 1] + node.col_offset
        end = self.starts[node.end_lineno - 1] + node.end_col_offset
        return self.data[start:end].decode("utf-8")


LITERAL_TYPES = {bool: "bool", int: "int", float: "float", str: "str", bytes: "bytes"}


def type_expr(node, src, in_literal=False, depth=0):
    """The TypeExpr (src/python/stubs/types.ts) of an annotation, built from CPython's ast."""
    seg = src.segment
    if isinstance(node, ast.Constant):
        v = node.value
        if v is None:
            return {"kind": "none"}
        if v is Ellipsis:
            return {"kind": "ellipsis"}
        if isinstance(v, str) and not in_literal:
            text = seg(node)
            if text is None or text[:1] not in "\'\"" or "\\" in text:
                return {"kind": "other", "text": text}
            out = {"kind": "forward", "text": v}
            try:
                inner = ast.parse("(" + v + "\n)", mode="eval").body
            except SyntaxError:
                return out
            if isinstance(inner, ast.Tuple) and not v.strip().startswith("("):
                return out
            out["parsed"] = type_expr(inner, Source("(" + v + "\n)"), False, depth + 1)
            return out
        if type(v) in LITERAL_TYPES and (in_literal or not isinstance(v, (str, bytes))):
            return {"kind": "literal", "type": LITERAL_TYPES[type(v)], "value": seg(node)}
        return {"kind": "other", "text": seg(node)}
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)) and isinstance(node.operand, ast.Constant) and type(node.operand.value) in (int, float):
        return {"kind": "literal", "type": LITERAL_TYPES[type(node.operand.value)], "value": seg(node)}
    name = dotted(node)
    if name is not None:
        return {"kind": "name", "name": name}
    if isinstance(node, ast.Subscript):
        base = type_expr(node.value, src, False, depth + 1)
        sl = node.slice
        args = sl.elts if isinstance(sl, ast.Tuple) else [sl]
        last = base["name"].rsplit(".", 1)[-1] if base["kind"] == "name" else ""
        if last == "Literal":
            conv = [type_expr(a, src, True, depth + 1) for a in args]
        elif last == "Annotated":
            conv = [type_expr(a, src, False, depth + 1) if i == 0 else {"kind": "other", "text": seg(a)} for i, a in enumerate(args)]
        else:
            conv = [type_expr(a, src, False, depth + 1) for a in args]
        return {"kind": "subscript", "base": base, "args": conv}
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        members = []
        for side in (node.left, node.right):
            t = type_expr(side, src, False, depth + 1)
            members.extend(t["members"] if t["kind"] == "union" else [t])
        return {"kind": "union", "members": members}
    if isinstance(node, ast.List):
        return {"kind": "list", "elems": [type_expr(e, src, False, depth + 1) for e in node.elts]}
    return {"kind": "other", "text": seg(node)}


def params_of(fn, src):
    a = fn.args
    out = []
    positional = [("positional-only", p) for p in a.posonlyargs] + [("positional-or-keyword", p) for p in a.args]
    first_default = len(positional) - len(a.defaults)
    for i, (kind, p) in enumerate(positional):
        out.append((kind, p, i >= first_default))
    if a.vararg:
        out.append(("var-positional", a.vararg, False))
    for p, d in zip(a.kwonlyargs, a.kw_defaults):
        out.append(("keyword-only", p, d is not None))
    if a.kwarg:
        out.append(("var-keyword", a.kwarg, False))
    result = []
    for kind, p, has_default in out:
        entry = {"name": p.arg, "kind": kind, "hasDefault": has_default}
        if p.annotation is not None:
            entry["annotation"] = type_expr(p.annotation, src)
        result.append(entry)
    return result


def signature(fn, src, owner):
    sig = {"name": owner + fn.name, "async": isinstance(fn, ast.AsyncFunctionDef), "params": params_of(fn, src)}
    if fn.returns is not None:
        sig["returns"] = type_expr(fn.returns, src)
    return sig


def walk(body, target, out):
    for stmt in body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out["functions"].append([stmt.name, isinstance(stmt, ast.AsyncFunctionDef)])
            if "signatures" in out:
                out["signatures"].append(signature(stmt, out["src"], out["owner"]))
        elif isinstance(stmt, ast.ClassDef):
            out["classes"].append(stmt.name)
            if "signatures" in out and out["owner"] == "":
                inner = {"functions": [], "classes": [], "signatures": out["signatures"], "src": out["src"], "owner": stmt.name + "."}
                walk(stmt.body, target, inner)
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
    # Timing (the benchmark, "runs": N): parse every file and drop the tree, best of N; trees are
    # not kept alive, so Python's cyclic GC does not rescan a growing heap.
    parse_ms = None
    parse_cpu_ms = None
    for _ in range(req.get("runs", 0)):
        t0 = time.perf_counter()
        c0 = time.process_time()
        for f, src in sources.items():
            try:
                ast.parse(src, filename=f)
            except SyntaxError:
                pass
        elapsed = (time.perf_counter() - t0) * 1000
        cpu = (time.process_time() - c0) * 1000
        parse_ms = elapsed if parse_ms is None else min(parse_ms, elapsed)
        parse_cpu_ms = cpu if parse_cpu_ms is None else min(parse_cpu_ms, cpu)
    results = {}
    if req.get("names", True):
        for f, src in sources.items():
            try:
                tree = ast.parse(src, filename=f)
            except SyntaxError as e:
                results[f] = {"error": f"{e.lineno}:{e.offset}: {e.msg}"}
                continue
            out = {"functions": [], "classes": []}
            if req.get("signatures"):
                # Signatures of top-level functions and of the methods of top-level classes.
                out.update(signatures=[], src=Source(src.decode("utf-8-sig")), owner="")
            walk(tree.body, target, out)
            out.pop("src", None)
            out.pop("owner", None)
            results[f] = out
    json.dump({"results": results, "parseMs": parse_ms, "parseCpuMs": parse_cpu_ms}, sys.stdout)


main()
