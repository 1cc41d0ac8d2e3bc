// Oracle for the dirhash and modzip tests and benchmarks: x/mod's own dirhash and zip, driven by argv.
//
//	hashzip ZIP                      print dirhash.HashZip(ZIP, Hash1)
//	hashzip-timed ZIP RUNS           print the hash and the best wall time in ns over RUNS runs
//	hashdir DIR PREFIX               print dirhash.HashDir(DIR, PREFIX, Hash1)
//	create-from-dir DIR MOD VER OUT  zip.CreateFromDir into OUT; print "ok" or "error: ..."
//	unzip ZIP MOD VER DIR            zip.Unzip; print "ok" or "error: ..."
//	checkzip ZIP MOD VER             zip.CheckZip; print JSON {valid, omitted, invalid, sizeError, err}
//	checkdir DIR                     zip.CheckDir; same JSON
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"
	"golang.org/x/mod/zip"
)

type fileErr struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

type checked struct {
	Valid     []string  `json:"valid"`
	Omitted   []fileErr `json:"omitted"`
	Invalid   []fileErr `json:"invalid"`
	SizeError string    `json:"sizeError,omitempty"`
	Err       string    `json:"err,omitempty"`
}

func toJSON(cf zip.CheckedFiles, err error) {
	out := checked{Valid: cf.Valid, Omitted: []fileErr{}, Invalid: []fileErr{}}
	if out.Valid == nil {
		out.Valid = []string{}
	}
	for _, f := range cf.Omitted {
		out.Omitted = append(out.Omitted, fileErr{f.Path, f.Err.Error()})
	}
	for _, f := range cf.Invalid {
		out.Invalid = append(out.Invalid, fileErr{f.Path, f.Err.Error()})
	}
	if cf.SizeError != nil {
		out.SizeError = cf.SizeError.Error()
	}
	if err != nil {
		out.Err = err.Error()
	}
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

func main() {
	a := os.Args[1:]
	switch a[0] {
	case "hashzip":
		h, err := dirhash.HashZip(a[1], dirhash.Hash1)
		if err != nil {
			fail(err)
		}
		fmt.Println(h)
	case "hashzip-timed":
		runs, _ := strconv.Atoi(a[2])
		var best time.Duration = 1 << 62
		var h string
		for i := 0; i < runs; i++ {
			t := time.Now()
			var err error
			h, err = dirhash.HashZip(a[1], dirhash.Hash1)
			if err != nil {
				fail(err)
			}
			if d := time.Since(t); d < best {
				best = d
			}
		}
		fmt.Println(h, best.Nanoseconds())
	case "hashdir":
		h, err := dirhash.HashDir(a[1], a[2], dirhash.Hash1)
		if err != nil {
			fail(err)
		}
		fmt.Println(h)
	case "create-from-dir":
		f, err := os.Create(a[4])
		if err != nil {
			fail(err)
		}
		err = zip.CreateFromDir(f, module.Version{Path: a[2], Version: a[3]}, a[1])
		f.Close()
		if err != nil {
			os.Remove(a[4])
			fmt.Println("error: " + err.Error())
			return
		}
		fmt.Println("ok")
	case "unzip":
		if err := zip.Unzip(a[4], module.Version{Path: a[2], Version: a[3]}, a[1]); err != nil {
			fmt.Println("error: " + err.Error())
			return
		}
		fmt.Println("ok")
	case "checkzip":
		toJSON(zip.CheckZip(module.Version{Path: a[2], Version: a[3]}, a[1]))
	case "checkdir":
		toJSON(zip.CheckDir(a[1]))
	default:
		fail(fmt.Errorf("unknown command %q", a[0]))
	}
}
