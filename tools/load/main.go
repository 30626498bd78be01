// Command load measures how many requests a second a running Marrakech
// Graph server answers for each of its example queries, against a bare
// net/http handler writing the very same bytes, in the same run.
//
// For each query, load POSTs it once to the server's /query and checks the
// answer (status 200, data, no errors), keeping its exact bytes and
// Content-Type. It then sends the query from -c connections, back to back,
// for -warmup (not counted) and -d (counted), recording each request's
// latency; then it serves the kept bytes from an in-process handler on
// 127.0.0.1 (which reads each request body, as the API must, then writes
// the bytes with their Content-Type and length) and loads that the same
// way. Each target has its own connections, kept alive and reused; every
// body is read to its end; an answer other than 200 is an error.
//
// The queries are the README's GraphQL examples (mutations and
// subscriptions left out), then `{ __typename }` and an activation plan for
// a country unless the README shows one. Each is named by its operation
// name, else its first field; -only selects by name, -list shows them.
//
// It prints the machine, the Go version and the date, then a table: each
// query's answer size, requests a second through the API and from the bare
// handler, their ratio, and the 50th and 99th percentile latencies of each
// (within 1%). -json prints the same as JSON (latencies in nanoseconds).
// It exits with status 1 when a query fails its check or any request
// failed.
//
// From the repository root, against a server of its own build with the
// rate limits off (tools/load/run builds, starts and stops it):
//
//	tools/load/run                      # every query, 3 s each
//	tools/load/run -only 'activation|typename' -d 10s -json
//
// or against a running server (whose rate limits must let the load pass:
// RATE_LIMIT_PUBLIC=0, or a key with RATE_LIMIT_KEYED=0):
//
//	go run ./tools/load -url http://localhost:8080/query -key "$KEY"
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	url, key, readme string
	only             *regexp.Regexp
	settings         Settings
	json, list       bool
}

func parseOptions(args []string, stderr io.Writer) (options, error) {
	var o options
	var only string
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.url, "url", "http://localhost:8080/query", "the server's GraphQL endpoint")
	fs.StringVar(&o.key, "key", "", "API key, sent as Authorization: Bearer KEY (none: the public role)")
	fs.StringVar(&o.readme, "readme", "README.md", "the README whose graphql code blocks are the queries")
	fs.StringVar(&only, "only", "", "run only the queries whose name matches this regular expression")
	fs.IntVar(&o.settings.Concurrency, "c", 32, "concurrent connections")
	fs.DurationVar(&o.settings.Duration, "d", 5*time.Second, "how long each target is measured")
	fs.DurationVar(&o.settings.Warmup, "warmup", time.Second, "how long each target is loaded before it is measured")
	fs.BoolVar(&o.json, "json", false, "print JSON instead of a table")
	fs.BoolVar(&o.list, "list", false, "list the queries' names and documents, and send nothing")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q (see -h)", fs.Arg(0))
	}
	if o.settings.Concurrency < 1 {
		return o, fmt.Errorf("-c must be 1 or more, not %d", o.settings.Concurrency)
	}
	if o.settings.Duration <= 0 || o.settings.Warmup < 0 {
		return o, fmt.Errorf("-d must be above 0 and -warmup 0 or more, not %s and %s", o.settings.Duration, o.settings.Warmup)
	}
	if !strings.HasPrefix(o.url, "http://") && !strings.HasPrefix(o.url, "https://") {
		return o, fmt.Errorf("-url must be an http:// or https:// URL, not %q", o.url)
	}
	re, err := regexp.Compile(only)
	if err != nil {
		return o, fmt.Errorf("-only: %w", err)
	}
	o.only = re
	return o, nil
}

const usage = `Usage: go run ./tools/load [flags]

Loads each example query of the README through a running server's /query,
then a bare net/http handler serving the same answer bytes, and prints
requests a second for both, their ratio, and p50/p99 latencies. The
server's rate limits must let the load through (RATE_LIMIT_PUBLIC=0, or
-key with RATE_LIMIT_KEYED=0); tools/load/run builds and starts such a
server, runs this command against it with -d 3s and the flags it is given,
and stops it.

`

// Report is what a run measured, as -json prints it.
type Report struct {
	Machine     Machine `json:"machine"`
	Date        string  `json:"date"`
	URL         string  `json:"url"`
	Concurrency int     `json:"concurrency"`
	Seconds     float64 `json:"seconds"`
	Warmup      float64 `json:"warmup_seconds"`
	Rows        []Row   `json:"queries"`
}

// Machine is where the run ran.
type Machine struct {
	CPU        string `json:"cpu"`
	NumCPU     int    `json:"num_cpu"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	GoVersion  string `json:"go_version"`
	OS         string `json:"os"`
}

// Row compares one query through the API with its bytes from the bare
// handler.
type Row struct {
	Query       string `json:"query"`
	Bytes       int    `json:"bytes"`
	ContentType string `json:"content_type"`
	API         Result `json:"api"`
	Bare        Result `json:"bare"`
	// Ratio is the API's requests a second over the bare handler's.
	Ratio float64 `json:"ratio"`
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseOptions(args, stderr)
	if err != nil {
		return err
	}
	readme, err := os.ReadFile(o.readme)
	if err != nil {
		return fmt.Errorf("read the README (run from the repository root, or give -readme): %w", err)
	}
	all, err := defaultQueries(readme)
	if err != nil {
		return err
	}
	var qs []Query
	var names []string
	for _, q := range all {
		names = append(names, q.Name)
		if o.only.MatchString(q.Name) {
			qs = append(qs, q)
		}
	}
	if len(qs) == 0 {
		return fmt.Errorf("-only %q matches none of the queries: %s", o.only, strings.Join(names, ", "))
	}
	if o.list {
		for _, q := range qs {
			fmt.Fprintf(stdout, "# %s\n%s\n\n", q.Name, q.Document)
		}
		return nil
	}

	rep := Report{
		Machine: machine(), Date: time.Now().Format("2006-01-02 15:04 MST"), URL: o.url,
		Concurrency: o.settings.Concurrency, Seconds: o.settings.Duration.Seconds(), Warmup: o.settings.Warmup.Seconds(),
	}
	header := http.Header{"Content-Type": {"application/json"}}
	if o.key != "" {
		header.Set("Authorization", "Bearer "+o.key)
	}
	for _, q := range qs {
		fmt.Fprintf(stderr, "load: %s…\n", q.Name)
		row, err := measure(ctx, q, o.url, header, o.settings)
		if errors.Is(err, errNeedsKey) && o.key == "" {
			fmt.Fprintf(stderr, "load: %s skipped: it needs an API key (give -key)\n", q.Name)
			continue
		}
		if err != nil {
			return err
		}
		rep.Rows = append(rep.Rows, row)
	}

	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return fmt.Errorf("write the report: %w", err)
		}
	} else if err := printTable(stdout, rep); err != nil {
		return fmt.Errorf("write the report: %w", err)
	}
	var failed int64
	for _, r := range rep.Rows {
		failed += r.API.Errors + r.Bare.Errors
	}
	if failed > 0 {
		return fmt.Errorf("%d requests failed (see the errors column)", failed)
	}
	return nil
}

// measure checks q's answer through the API, loads the API with it, then
// a bare handler serving the same answer bytes.
func measure(ctx context.Context, q Query, url string, header http.Header, s Settings) (Row, error) {
	body, err := q.Body()
	if err != nil {
		return Row{}, err
	}
	api := Target{URL: url, Body: body, Header: header}
	answer, contentType, err := check(ctx, api)
	if err != nil {
		return Row{}, fmt.Errorf("query %s: %w", q.Name, err)
	}
	row := Row{Query: q.Name, Bytes: len(answer), ContentType: contentType}
	if row.API, err = load(ctx, api, s); err != nil {
		return Row{}, fmt.Errorf("query %s through the API: %w", q.Name, err)
	}
	bareURL, stop, err := serveBare(answer, contentType)
	if err != nil {
		return Row{}, err
	}
	defer stop()
	row.Bare, err = load(ctx, Target{URL: bareURL, Body: body, Header: header}, s)
	if err != nil {
		return Row{}, fmt.Errorf("query %s from the bare handler: %w", q.Name, err)
	}
	if row.Bare.PerSecond > 0 {
		row.Ratio = row.API.PerSecond / row.Bare.PerSecond
	}
	return row, nil
}

// errNeedsKey says that a query is refused without an API key.
var errNeedsKey = errors.New("the query needs an API key")

// check sends t once and returns its answer's bytes and Content-Type: the
// answer must be 200 with data and no errors.
func check(ctx context.Context, t Target) (answer []byte, contentType string, err error) {
	client := newClient(1)
	defer client.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL, bytes.NewReader(t.Body))
	if err != nil {
		return nil, "", fmt.Errorf("request: %w", err)
	}
	req.Header = t.Header.Clone()
	resp, err := client.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("send: %w", err)
	}
	defer resp.Body.Close()
	answer, err = io.ReadAll(resp.Body)
	if err != nil {
		return nil, "", fmt.Errorf("read the answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, "", fmt.Errorf("HTTP %d: %s", resp.StatusCode, clip(answer))
	}
	var parsed struct {
		Data   json.RawMessage   `json:"data"`
		Errors []json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(answer, &parsed); err != nil {
		return nil, "", fmt.Errorf("the answer is not JSON (%w): %s", err, clip(answer))
	}
	if len(parsed.Errors) > 0 {
		if bytes.Contains(answer, []byte(`"code":"UNAUTHENTICATED"`)) {
			return nil, "", fmt.Errorf("%w: %s", errNeedsKey, clip(answer))
		}
		return nil, "", fmt.Errorf("the answer has errors: %s", clip(answer))
	}
	if len(parsed.Data) == 0 || string(parsed.Data) == "null" {
		return nil, "", fmt.Errorf("the answer has no data: %s", clip(answer))
	}
	return answer, resp.Header.Get("Content-Type"), nil
}

// clip shortens an answer for an error message.
func clip(b []byte) string {
	const most = 300
	if len(b) > most {
		return string(b[:most]) + "…"
	}
	return string(b)
}

// machine describes this machine and Go.
func machine() Machine {
	m := Machine{
		CPU: runtime.GOARCH, NumCPU: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0),
		GoVersion: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH,
	}
	if model := cpuModel("/proc/cpuinfo"); model != "" {
		m.CPU = model
	}
	return m
}

// cpuModel is the first "model name" of a /proc/cpuinfo file, or "".
func cpuModel(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(key) == "model name" {
			return strings.TrimSpace(value)
		}
	}
	return ""
}

// printTable writes the report as plain text.
func printTable(w io.Writer, r Report) error {
	fmt.Fprintf(w, "machine: %s, %d CPUs, GOMAXPROCS %d, %s\n", r.Machine.CPU, r.Machine.NumCPU, r.Machine.GOMAXPROCS, r.Machine.OS)
	fmt.Fprintf(w, "go: %s\ndate: %s\n", r.Machine.GoVersion, r.Date)
	fmt.Fprintf(w, "target: %s, %d connections, %gs measured after %gs warm-up\n\n", r.URL, r.Concurrency, r.Seconds, r.Warmup)
	width := len("query")
	for _, row := range r.Rows {
		width = max(width, len(row.Query))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%-*s\tbytes\tAPI req/s\tbare req/s\tAPI÷bare\tAPI p50\tAPI p99\tbare p50\tbare p99\terrors\t\n", width, "query")
	for _, row := range r.Rows {
		fmt.Fprintf(tw, "%-*s\t%d\t%.0f\t%.0f\t%.2f×\t%s\t%s\t%s\t%s\t%d/%d\t\n",
			width, row.Query, row.Bytes, row.API.PerSecond, row.Bare.PerSecond, row.Ratio,
			ms(row.API.P50), ms(row.API.P99), ms(row.Bare.P50), ms(row.Bare.P99), row.API.Errors, row.Bare.Errors)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nerrors: requests failed through the API / from the bare handler")
	for _, row := range r.Rows {
		for _, f := range []struct {
			who string
			res Result
		}{{"API", row.API}, {"bare", row.Bare}} {
			if f.res.Errors > 0 {
				fmt.Fprintf(w, "  %s, %s: %d failed, the first: %s\n", row.Query, f.who, f.res.Errors, f.res.FirstError)
			}
		}
	}
	return nil
}

// ms writes a latency in milliseconds, to the microsecond below 1 ms.
func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	if v < 1 {
		return fmt.Sprintf("%.3f ms", v)
	}
	return fmt.Sprintf("%.2f ms", v)
}
