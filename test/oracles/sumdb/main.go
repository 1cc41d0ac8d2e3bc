// Command sumdb is the reference oracle for mochi-pkg's checksum database code, built from
// golang.org/x/mod/sumdb itself (GOPATH mode over Debian's x/mod).
//
//	sumdb tlog     a JSON request on stdin: {"records": [...], "recordProofs": [[t, n]...],
//	               "treeProofs": [[t, n]...], "tileHeight": H}; answers one JSON object with the
//	               tree hash of every prefix, the proofs and the tiles of the whole tree
//	sumdb match    JSON [globs, target] pairs on stdin (one array); answers module.MatchPrefixPatterns
//	               for each, as one JSON array of booleans
//	sumdb serve SKEY RECORDS SECONDS
//	               a checksum database (sumdb.NewServer over sumdb.NewTestServer) signed with SKEY,
//	               serving the go.sum lines of RECORDS (a JSON file {"path@version": "lines"}) on
//	               127.0.0.1; prints its URL, exits after SECONDS or when stdin closes
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb"
	"golang.org/x/mod/sumdb/tlog"
)

type tlogRequest struct {
	Records      []string   `json:"records"`
	RecordProofs [][2]int64 `json:"recordProofs"`
	TreeProofs   [][2]int64 `json:"treeProofs"`
	TileHeight   int        `json:"tileHeight"`
}

type hashes []tlog.Hash

func (h hashes) ReadHashes(ix []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(ix))
	for i, x := range ix {
		out[i] = h[x]
	}
	return out, nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

func doTlog() {
	var req tlogRequest
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fail(err)
	}
	var st hashes
	var treeHashes []tlog.Hash
	for i, r := range req.Records {
		hs, err := tlog.StoredHashes(int64(i), []byte(r), st)
		if err != nil {
			fail(err)
		}
		st = append(st, hs...)
		th, err := tlog.TreeHash(int64(i+1), st)
		if err != nil {
			fail(err)
		}
		treeHashes = append(treeHashes, th)
	}
	var rps, tps [][]tlog.Hash
	for _, q := range req.RecordProofs {
		p, err := tlog.ProveRecord(q[0], q[1], st)
		if err != nil {
			fail(err)
		}
		rps = append(rps, p)
	}
	for _, q := range req.TreeProofs {
		p, err := tlog.ProveTree(q[0], q[1], st)
		if err != nil {
			fail(err)
		}
		tps = append(tps, p)
	}
	tiles := map[string][]byte{}
	for _, t := range tlog.NewTiles(req.TileHeight, 0, int64(len(req.Records))) {
		data, err := tlog.ReadTileData(t, st)
		if err != nil {
			fail(err)
		}
		tiles[t.Path()] = data
	}
	out := map[string]interface{}{
		"treeHashes": treeHashes, "storedCount": len(st), "recordProofs": rps, "treeProofs": tps, "tiles": tiles,
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fail(err)
	}
}

func doServe(skey, recordsFile, seconds string) {
	raw, err := os.ReadFile(recordsFile)
	if err != nil {
		fail(err)
	}
	var records map[string]string
	if err := json.Unmarshal(raw, &records); err != nil {
		fail(err)
	}
	secs, err := strconv.Atoi(seconds)
	if err != nil {
		fail(err)
	}
	ts := sumdb.NewTestServer(skey, func(path, vers string) ([]byte, error) {
		if lines, ok := records[path+"@"+vers]; ok {
			return []byte(lines), nil
		}
		return nil, os.ErrNotExist
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail(err)
	}
	// x/mod's TestServer panics on a tile beyond its tree; a real database answers 404 there.
	handler := sumdb.NewServer(ts)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if recover() != nil {
				http.Error(w, "not found", http.StatusNotFound)
			}
		}()
		handler.ServeHTTP(w, r)
	})}
	go srv.Serve(ln)
	fmt.Printf("http://%s\n", ln.Addr())
	done := make(chan struct{})
	go func() {
		bufio.NewReader(os.Stdin).ReadString(0)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(time.Duration(secs) * time.Second):
	}
	srv.Shutdown(context.Background())
}

func doMatch() {
	var pairs [][2]string
	if err := json.NewDecoder(os.Stdin).Decode(&pairs); err != nil {
		fail(err)
	}
	out := make([]bool, len(pairs))
	for i, p := range pairs {
		out[i] = module.MatchPrefixPatterns(p[0], p[1])
	}
	json.NewEncoder(os.Stdout).Encode(out)
}

func main() {
	if len(os.Args) >= 2 && os.Args[1] == "match" {
		doMatch()
		return
	}
	if len(os.Args) >= 2 && os.Args[1] == "tlog" {
		doTlog()
		return
	}
	if len(os.Args) == 5 && os.Args[1] == "serve" {
		doServe(os.Args[2], os.Args[3], os.Args[4])
		return
	}
	fail(fmt.Errorf("usage: sumdb tlog | sumdb serve SKEY RECORDS SECONDS"))
}
