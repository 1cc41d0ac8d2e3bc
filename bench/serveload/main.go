// A load client for the serve benchmark, written in Go because `go mod download` is: its HTTP client
// (net/http, keep-alive connections) is the one cmd/go uses, and it costs far less CPU per request
// than a Node client would, so the latencies it records are mostly the server's.
//
// Usage: serveload <base-url> <clients> <requests-per-client> < paths (one per line)
// Each client sends its requests one after another, request r of client c asking for path
// (c*31 + r*7) mod len(paths), and reads each body whole. Prints one JSON object: every latency
// (ms), the error count and the wall time.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: serveload <base-url> <clients> <requests-per-client> < paths")
		os.Exit(2)
	}
	base := os.Args[1]
	clients, err1 := strconv.Atoi(os.Args[2])
	perClient, err2 := strconv.Atoi(os.Args[3])
	if err1 != nil || err2 != nil || clients <= 0 || perClient <= 0 {
		fmt.Fprintln(os.Stderr, "serveload: clients and requests must be positive integers")
		os.Exit(2)
	}
	var paths []string
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		if sc.Text() != "" {
			paths = append(paths, sc.Text())
		}
	}
	if len(paths) == 0 {
		fmt.Fprintln(os.Stderr, "serveload: no paths on stdin")
		os.Exit(2)
	}
	transport := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients, IdleConnTimeout: time.Minute}
	client := &http.Client{Transport: transport, Timeout: time.Minute}

	latencies := make([]float64, clients*perClient)
	errs := make([]int, clients)
	var dials int64
	trace := &httptrace.ClientTrace{ConnectStart: func(string, string) { atomic.AddInt64(&dials, 1) }}
	var wg sync.WaitGroup
	start := time.Now()
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for r := 0; r < perClient; r++ {
				path := paths[(c*31+r*7)%len(paths)]
				t := time.Now()
				req, err := http.NewRequest("GET", base+path, nil)
				if err != nil {
					panic(err)
				}
				res, err := client.Do(req.WithContext(httptrace.WithClientTrace(req.Context(), trace)))
				if err == nil {
					_, err = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != 200 {
						errs[c]++
					}
				}
				if err != nil {
					errs[c]++
				}
				latencies[c*perClient+r] = float64(time.Since(t).Microseconds()) / 1000
			}
		}(c)
	}
	wg.Wait()
	wall := float64(time.Since(start).Microseconds()) / 1000
	errors := 0
	for _, e := range errs {
		errors += e
	}
	out, _ := json.Marshal(map[string]interface{}{"latencies": latencies, "errors": errors, "wallMs": wall, "connections": atomic.LoadInt64(&dials)})
	os.Stdout.Write(append(out, '\n'))
}
