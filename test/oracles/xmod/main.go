// Command xmod is the reference oracle for mochi-pkg's Go semver and module path code: it answers
// batches of questions with golang.org/x/mod itself (GOPATH mode over Debian's x/mod), dumps the
// test tables of x/mod's own _test.go files, and times semver.Sort for the benchmark.
//
//	xmod ask            JSON requests on stdin, one per line: {"op": "...", "args": [...]}
//	                    answers on stdout, one JSON value per line, in order
//	xmod tables DIR [PKG...]
//	                    the literal test tables of DIR/PKG/*_test.go (semver and module by default)
//	xmod letters        unicode.Letter as [lo, hi, stride] triples, and unicode.Version
//	xmod bench RUNS     versions on stdin (one per line); sorts a fresh copy RUNS times and prints
//	                    the best time in nanoseconds (excluding start-up and I/O), the result's
//	                    SHA-256 and the peak RSS
package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
	modzip "golang.org/x/mod/zip"
)

type request struct {
	Op   string   `json:"op"`
	Args []string `json:"args"`
}

// result of a function that returns (string, error).
type strErr struct {
	Out string `json:"out"`
	Err string `json:"err,omitempty"`
}

// innerErr returns the message of the rule an *InvalidPathError wraps (or the whole message).
func innerErr(err error) string {
	if err == nil {
		return ""
	}
	var pe *module.InvalidPathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func answer(r request) interface{} {
	a := func(i int) string {
		if i < len(r.Args) {
			return r.Args[i]
		}
		return ""
	}
	switch r.Op {
	case "semver":
		v := a(0)
		return map[string]interface{}{
			"valid": semver.IsValid(v), "canonical": semver.Canonical(v), "major": semver.Major(v),
			"prerelease": semver.Prerelease(v), "build": semver.Build(v),
			"pseudo": module.IsPseudoVersion(v), "canonicalVersion": module.CanonicalVersion(v),
		}
	case "compare":
		return semver.Compare(a(0), a(1))
	case "max":
		return semver.Max(a(0), a(1))
	case "sort":
		list := append([]string(nil), r.Args...)
		semver.Sort(list)
		return list
	case "escapePath":
		out, err := module.EscapePath(a(0))
		return strErr{out, innerErrOrEmpty(err)}
	case "escapeVersion":
		out, err := module.EscapeVersion(a(0))
		return strErr{out, innerErrOrEmpty(err)}
	case "unescapePath":
		out, err := module.UnescapePath(a(0))
		return strErr{out, innerErrOrEmpty(err)}
	case "unescapeVersion":
		out, err := module.UnescapeVersion(a(0))
		return strErr{out, innerErrOrEmpty(err)}
	case "checkPath":
		return innerErr(module.CheckPath(a(0)))
	case "checkImportPath":
		return innerErr(module.CheckImportPath(a(0)))
	case "checkFilePath":
		return innerErr(module.CheckFilePath(a(0)))
	case "check":
		return innerErr(module.Check(a(0), a(1)))
	case "splitPathVersion":
		prefix, major, ok := module.SplitPathVersion(a(0))
		return []interface{}{prefix, major, ok}
	}
	return map[string]string{"error": "unknown op " + strconv.Quote(r.Op)}
}

func innerErrOrEmpty(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func ask() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<30)
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for in.Scan() {
		var r request
		if err := json.Unmarshal(in.Bytes(), &r); err != nil {
			fail("bad request: %v", err)
		}
		if err := enc.Encode(answer(r)); err != nil {
			fail("encode: %v", err)
		}
	}
	if err := in.Err(); err != nil {
		fail("read: %v", err)
	}
	out.Flush()
}

// stringConsts are the string constants of the test package being read (emptyHash in zip_test.go).
var stringConsts = map[string]string{}

// constants are the x/mod constants that test tables name.
var constants = map[string]uint64{
	"modzip.MaxZipFile": modzip.MaxZipFile,
	"modzip.MaxGoMod":   modzip.MaxGoMod,
	"modzip.MaxLICENSE": modzip.MaxLICENSE,
}

// literal turns a constant expression of a test table into a JSON value. Strings that are not valid
// UTF-8 (like "x.y/\xFFz") become {"$bytes": base64} so that the reader can see them as such.
func literal(e ast.Expr) interface{} {
	switch e := e.(type) {
	case *ast.BasicLit:
		switch e.Kind {
		case token.STRING:
			s, err := strconv.Unquote(e.Value)
			if err != nil {
				fail("unquote %s: %v", e.Value, err)
			}
			if !utf8.ValidString(s) {
				return map[string]string{"$bytes": base64.StdEncoding.EncodeToString([]byte(s))}
			}
			return s
		case token.INT:
			n, err := strconv.ParseUint(e.Value, 0, 64)
			if err != nil {
				fail("int %s: %v", e.Value, err)
			}
			return n
		}
	case *ast.SelectorExpr:
		// The x/mod constants the tables use, by the name the tests give them.
		if x, ok := e.X.(*ast.Ident); ok {
			if v, ok := constants[x.Name+"."+e.Sel.Name]; ok {
				return v
			}
		}
	case *ast.UnaryExpr:
		if x, ok := literal(e.X).(uint64); ok && e.Op == token.SUB {
			return -int64(x)
		}
	case *ast.BinaryExpr:
		x, xok := literal(e.X).(uint64)
		y, yok := literal(e.Y).(uint64)
		if xok && yok {
			switch e.Op {
			case token.ADD:
				return x + y
			case token.SUB:
				return x - y
			}
		}
	case *ast.Ident:
		if e.Name == "true" || e.Name == "false" {
			return e.Name == "true"
		}
		if v, ok := stringConsts[e.Name]; ok {
			return v
		}
		return map[string]string{"$ident": e.Name}
	case *ast.CompositeLit:
		return composite(e)
	case *ast.CallExpr:
		// []byte("...") and string(...) conversions of a literal are the literal.
		if len(e.Args) == 1 {
			if _, ok := e.Fun.(*ast.ArrayType); ok {
				return literal(e.Args[0])
			}
		}
	}
	return map[string]string{"$expr": fmt.Sprintf("%T", e)}
}

// composite reads a []struct{...}{...} or []string{...} literal: struct rows become objects keyed
// by field name (positional or keyed elements alike).
func composite(c *ast.CompositeLit) interface{} {
	var fields []string
	if at, ok := c.Type.(*ast.ArrayType); ok {
		if st, ok := at.Elt.(*ast.StructType); ok {
			for _, f := range st.Fields.List {
				for _, n := range f.Names {
					fields = append(fields, n.Name)
				}
			}
		}
	}
	// {Key: value, ...} without a known struct type (module.Version{Path: ..., Version: ...}).
	if len(c.Elts) > 0 && fields == nil {
		obj := map[string]interface{}{}
		for _, el := range c.Elts {
			kv, ok := el.(*ast.KeyValueExpr)
			if !ok {
				obj = nil
				break
			}
			k, ok := kv.Key.(*ast.Ident)
			if !ok {
				obj = nil
				break
			}
			obj[k.Name] = literal(kv.Value)
		}
		if obj != nil {
			return obj
		}
	}
	rows := []interface{}{}
	for _, el := range c.Elts {
		inner, ok := el.(*ast.CompositeLit)
		if !ok || fields == nil {
			rows = append(rows, literal(el))
			continue
		}
		row := map[string]interface{}{}
		for i, x := range inner.Elts {
			if kv, ok := x.(*ast.KeyValueExpr); ok {
				row[kv.Key.(*ast.Ident).Name] = literal(kv.Value)
			} else if i < len(fields) {
				row[fields[i]] = literal(x)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// tables collects the slice literals of the _test.go files: package-level vars by name, the
// tables that test functions range over by the function's name, and the literals a test function
// assigns to a local variable by "<function>.<variable>".
func tables(dir string, pkgs []string) {
	all := map[string]interface{}{}
	for _, pkg := range pkgs {
		files, _ := filepath.Glob(filepath.Join(dir, pkg, "*_test.go"))
		sort.Strings(files)
		if len(files) == 0 {
			fail("no test files under %s", filepath.Join(dir, pkg))
		}
		stringConsts = map[string]string{}
		for _, f := range files {
			file, err := parser.ParseFile(token.NewFileSet(), f, nil, 0)
			if err != nil {
				fail("parse %s: %v", f, err)
			}
			for _, d := range file.Decls {
				if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.CONST {
					for _, sp := range g.Specs {
						vs := sp.(*ast.ValueSpec)
						for i, v := range vs.Values {
							if str, ok := literal(v).(string); ok {
								stringConsts[vs.Names[i].Name] = str
							}
						}
					}
				}
			}
		}
		for _, f := range files {
			fset := token.NewFileSet()
			file, err := parser.ParseFile(fset, f, nil, 0)
			if err != nil {
				fail("parse %s: %v", f, err)
			}
			for _, d := range file.Decls {
				switch d := d.(type) {
				case *ast.GenDecl:
					for _, s := range d.Specs {
						vs, ok := s.(*ast.ValueSpec)
						if !ok {
							continue
						}
						for i, v := range vs.Values {
							if c, ok := v.(*ast.CompositeLit); ok {
								if _, ok := c.Type.(*ast.ArrayType); ok {
									all[pkg+"."+vs.Names[i].Name] = composite(c)
								}
							}
						}
					}
				case *ast.FuncDecl:
					ast.Inspect(d, func(n ast.Node) bool {
						switch n := n.(type) {
						case *ast.RangeStmt:
							if c, ok := n.X.(*ast.CompositeLit); ok {
								all[pkg+"."+d.Name.Name] = composite(c)
							}
						case *ast.AssignStmt:
							for i, v := range n.Rhs {
								if i >= len(n.Lhs) {
									break
								}
								id, ok := n.Lhs[i].(*ast.Ident)
								if !ok {
									continue
								}
								switch x := literal(v).(type) {
								case string, []interface{}:
									all[pkg+"."+d.Name.Name+"."+id.Name] = x
								}
							}
						}
						return true
					})
				}
			}
		}
	}
	emit(all)
}

func letters() {
	var ranges [][3]uint32
	for _, r := range unicode.Letter.R16 {
		ranges = append(ranges, [3]uint32{uint32(r.Lo), uint32(r.Hi), uint32(r.Stride)})
	}
	for _, r := range unicode.Letter.R32 {
		ranges = append(ranges, [3]uint32{r.Lo, r.Hi, r.Stride})
	}
	emit(map[string]interface{}{"version": unicode.Version, "ranges": ranges})
}

func bench(runs int) {
	var versions []string
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<30)
	for in.Scan() {
		versions = append(versions, in.Text())
	}
	best := time.Duration(1<<63 - 1)
	var sorted []string
	for i := 0; i < runs; i++ {
		list := append([]string(nil), versions...)
		t0 := time.Now()
		semver.Sort(list)
		if d := time.Since(t0); d < best {
			best = d
		}
		sorted = list
	}
	emit(map[string]interface{}{
		"ns": best.Nanoseconds(), "first": sorted[0], "last": sorted[len(sorted)-1], "peakRssKiB": peakRSSKiB(),
		"sha256": fmt.Sprintf("%x", sha256.Sum256([]byte(strings.Join(sorted, "\n")))),
	})
}

// peakRSSKiB is the process's peak resident set (VmHWM) on Linux, or 0 where /proc is missing.
func peakRSSKiB() int {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:")), " kB"))
			return n
		}
	}
	return 0
}

func emit(v interface{}) {
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		fail("encode: %v", err)
	}
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "xmod: "+format+"\n", args...)
	os.Exit(2)
}

func main() {
	if len(os.Args) < 2 {
		fail("usage: xmod ask | tables DIR [PKG...] | letters | bench RUNS")
	}
	switch os.Args[1] {
	case "ask":
		ask()
	case "tables":
		if len(os.Args) < 3 {
			fail("usage: xmod tables DIR [PKG...]")
		}
		pkgs := os.Args[3:]
		if len(pkgs) == 0 {
			pkgs = []string{"semver", "module"}
		}
		tables(os.Args[2], pkgs)
	case "letters":
		letters()
	case "bench":
		runs := 5
		if len(os.Args) > 2 {
			runs, _ = strconv.Atoi(os.Args[2])
		}
		bench(runs)
	default:
		fail("unknown command %q", strings.Join(os.Args[1:], " "))
	}
}
