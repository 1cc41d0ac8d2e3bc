# The reference for class members: what CPython's own `ast` sees in .pyi files for one target.
# argv: a JSON file listing .pyi paths, the Python version "X.Y", the platform ("linux", "win32").
# Prints {path: {class: [public member, ...]}} for every class in the branches the target takes,
# nested classes as "Outer.Inner"; members are methods (properties included) and annotated attributes whose names do not
# start with "_", in the branches the target takes inside the class body too.
import ast
import json
import sys


class _Sys:
    def __init__(self, version, platform):
        self.version_info = version + (0, "final", 0)
        self.platform = platform


def branches(node_if, env):
    """The statements the target runs: one branch when the test evaluates, both when it does not."""
    try:
        value = eval(compile(ast.Expression(node_if.test), "<test>", "eval"), env)
    except Exception:
        return node_if.body + node_if.orelse
    return node_if.body if value else node_if.orelse


def statements(body, env):
    for stmt in body:
        if isinstance(stmt, ast.If):
            yield from statements(branches(stmt, env), env)
        else:
            yield stmt


def members(cls, env):
    out = set()
    for stmt in statements(cls.body, env):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.add(stmt.name)
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            out.add(stmt.target.id)
    return sorted(n for n in out if not n.startswith("_"))


def main():
    paths = json.load(open(sys.argv[1]))
    major, minor = (int(x) for x in sys.argv[2].split("."))
    env = {"sys": _Sys((major, minor), sys.argv[3]), "TYPE_CHECKING": True, "__builtins__": {}}
    result = {}
    for path in paths:
        tree = ast.parse(open(path, "rb").read(), path)
        classes = {}
        def collect(body, prefix):
            for stmt in statements(body, env):
                if isinstance(stmt, ast.ClassDef):
                    # A class defined twice in one branch set: the last definition wins, as at run time.
                    classes[prefix + stmt.name] = members(stmt, env)
                    collect(stmt.body, prefix + stmt.name + ".")

        collect(tree.body, "")
        result[path] = classes
    json.dump(result, sys.stdout, sort_keys=True)


main()
