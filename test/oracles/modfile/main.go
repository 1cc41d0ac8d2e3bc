// Command modfile is the reference oracle for mochi-pkg's go.mod parser: it runs batches of go.mod
// files through golang.org/x/mod/modfile (GOPATH mode over Debian's x/mod) and prints what it made
// of each: the error text, or the parsed directives and the Format output.
//
//	modfile    JSON requests on stdin, one per line: {"name": "go.mod", "data": "<base64>", "lax": false}
//	           answers on stdout, one JSON object per line, in order
package main

import (
	"bufio"
	"encoding/json"
	"os"

	"golang.org/x/mod/modfile"
)

type request struct {
	Name string `json:"name"`
	Data []byte `json:"data"`
	Lax  bool   `json:"lax"`
}

type pos struct {
	Line int `json:"line"`
	Col  int `json:"col"`
	Byte int `json:"byte"`
}

type mv struct {
	Path    string `json:"path"`
	Version string `json:"version"`
}

type result struct {
	Err    string `json:"err,omitempty"`
	Module *struct {
		Path       string `json:"path"`
		Deprecated string `json:"deprecated"`
		At         pos    `json:"at"`
	} `json:"module,omitempty"`
	Go *struct {
		Version string `json:"version"`
		At      pos    `json:"at"`
	} `json:"go,omitempty"`
	Require []struct {
		Mod      mv   `json:"mod"`
		Indirect bool `json:"indirect"`
		At       pos  `json:"at"`
	} `json:"require"`
	Exclude []struct {
		Mod mv  `json:"mod"`
		At  pos `json:"at"`
	} `json:"exclude"`
	Replace []struct {
		Old mv  `json:"old"`
		New mv  `json:"new"`
		At  pos `json:"at"`
	} `json:"replace"`
	Retract []struct {
		Low       string `json:"low"`
		High      string `json:"high"`
		Rationale string `json:"rationale"`
		At        pos    `json:"at"`
	} `json:"retract"`
	Format string `json:"format"`
}

func at(l *modfile.Line) pos { return pos{l.Start.Line, l.Start.LineRune, l.Start.Byte} }

func answer(r request) result {
	var f *modfile.File
	var err error
	if r.Lax {
		f, err = modfile.ParseLax(r.Name, r.Data, nil)
	} else {
		f, err = modfile.Parse(r.Name, r.Data, nil)
	}
	if err != nil {
		return result{Err: err.Error()}
	}
	var out result
	if f.Module != nil {
		out.Module = &struct {
			Path       string `json:"path"`
			Deprecated string `json:"deprecated"`
			At         pos    `json:"at"`
		}{f.Module.Mod.Path, f.Module.Deprecated, at(f.Module.Syntax)}
	}
	if f.Go != nil {
		out.Go = &struct {
			Version string `json:"version"`
			At      pos    `json:"at"`
		}{f.Go.Version, at(f.Go.Syntax)}
	}
	for _, x := range f.Require {
		out.Require = append(out.Require, struct {
			Mod      mv   `json:"mod"`
			Indirect bool `json:"indirect"`
			At       pos  `json:"at"`
		}{mv{x.Mod.Path, x.Mod.Version}, x.Indirect, at(x.Syntax)})
	}
	for _, x := range f.Exclude {
		out.Exclude = append(out.Exclude, struct {
			Mod mv  `json:"mod"`
			At  pos `json:"at"`
		}{mv{x.Mod.Path, x.Mod.Version}, at(x.Syntax)})
	}
	for _, x := range f.Replace {
		out.Replace = append(out.Replace, struct {
			Old mv  `json:"old"`
			New mv  `json:"new"`
			At  pos `json:"at"`
		}{mv{x.Old.Path, x.Old.Version}, mv{x.New.Path, x.New.Version}, at(x.Syntax)})
	}
	for _, x := range f.Retract {
		out.Retract = append(out.Retract, struct {
			Low       string `json:"low"`
			High      string `json:"high"`
			Rationale string `json:"rationale"`
			At        pos    `json:"at"`
		}{x.Low, x.High, x.Rationale, at(x.Syntax)})
	}
	b, _ := f.Format()
	out.Format = string(b)
	return out
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<30)
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	for in.Scan() {
		var r request
		if err := json.Unmarshal(in.Bytes(), &r); err != nil {
			panic(err)
		}
		if err := enc.Encode(answer(r)); err != nil {
			panic(err)
		}
	}
	if err := in.Err(); err != nil {
		panic(err)
	}
}
