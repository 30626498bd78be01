package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/graphiql"
)

// TestBrowserRunsDefaultQuery builds the server, starts it on the embedded
// store, opens its GraphiQL page in headless Chromium, runs the example the
// page opens with and checks the answer, then stops the server with SIGTERM.
func TestBrowserRunsDefaultQuery(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the server and a browser")
	}
	chromium := findChromium(t)

	srv := startServer(t, buildServer(t))
	srv.waitReady(t, 60*time.Second)

	pageURL := srv.base + "/"
	b := newBrowser(t, chromium)
	ctx, cancel := context.WithTimeout(b.ctx, 90*time.Second)
	defer cancel()

	require.NoError(t, chromedp.Do(ctx,
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
				Source: `window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});`,
			})
			return err
		}),
		chromedp.Navigate(pageURL),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-query-editor .CodeMirror")),
	), "open %s%s", pageURL, b.report())

	title, err := chromedp.Run(ctx, chromedp.Title())
	require.NoError(t, err)
	assert.Equal(t, "Marrakech Graph", title)

	const editorValue = `(() => {
  const w = document.querySelector(%q);
  return w && w.CodeMirror ? w.CodeMirror.getValue() : '';
})()`
	query := b.waitFor(ctx, t, "the example in the query editor",
		fmt.Sprintf(editorValue, ".graphiql-query-editor .CodeMirror"),
		func(v string) bool { return v == graphiql.DefaultQuery })
	assert.Equal(t, graphiql.DefaultQuery, query)

	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(".graphiql-execute-button")),
	), "click the execute button%s", b.report())

	result := b.waitFor(ctx, t, "the answer in the result pane",
		fmt.Sprintf(editorValue, ".result-window .CodeMirror"),
		func(v string) bool {
			return strings.Contains(v, "supportChannels") && strings.Contains(v, `"commitment:`)
		})

	var answer struct {
		Data struct {
			Commitments []struct {
				ID              string `json:"id"`
				Name            string `json:"name"`
				Pillar          string `json:"pillar"`
				SupportChannels []struct {
					Channel struct {
						ID   string `json:"id"`
						Name string `json:"name"`
					} `json:"channel"`
					Via []struct {
						ID string `json:"id"`
					} `json:"via"`
				} `json:"supportChannels"`
			} `json:"commitments"`
		} `json:"data"`
		Errors []json.RawMessage `json:"errors"`
	}
	require.NoError(t, json.Unmarshal([]byte(result), &answer), "result pane:\n%s", result)
	assert.Empty(t, answer.Errors)
	require.Len(t, answer.Data.Commitments, 7, "the seven Marrakech commitments")
	channels := 0
	for _, c := range answer.Data.Commitments {
		assert.True(t, strings.HasPrefix(c.ID, "commitment:"), c.ID)
		assert.NotEmpty(t, c.Name, c.ID)
		assert.NotEmpty(t, c.Pillar, c.ID)
		for _, sc := range c.SupportChannels {
			assert.NotEmpty(t, sc.Channel.ID, c.ID)
			assert.NotEmpty(t, sc.Via, "%s → %s has no action", c.ID, sc.Channel.ID)
			channels++
		}
	}
	assert.Positive(t, channels, "some commitment maps to a support channel")

	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	f, err := os.CreateTemp("", "marrakechgraph-graphiql-*.png")
	require.NoError(t, err)
	_, err = f.Write(shot)
	require.NoError(t, errors.Join(err, f.Close()))
	t.Logf("screenshot: %s", f.Name())

	// GraphiQL's dialogs insert a <style> element: the page's policy admits
	// it through the nonce the boot script hands over.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`button[aria-label="Open settings dialog"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[role="dialog"]`)),
	), "open the settings dialog%s", b.report())
	b.waitFor(ctx, t, "the dialog's nonced <style>",
		`String(document.querySelectorAll('style').length > 0 && [...document.querySelectorAll('style')].every(s => s.nonce !== ''))`,
		func(v string) bool { return v == "true" })
	require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape)))

	violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__cspViolations`))
	require.NoError(t, err)
	assert.Empty(t, violations, "Content-Security-Policy violations")
	b.assertClean(t, srv.base)

	b.close()
	srv.stop(t, 10*time.Second)
}

func findChromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium", "chromium"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium not found (apt-get install -y chromium)")
	}
	t.Skip("chromium not found (apt-get install -y chromium)")
	return ""
}

// browser is a headless Chromium tab that records what the page does.
type browser struct {
	ctx    context.Context
	cancel func()
	output *lockedBuffer

	mu         sync.Mutex
	requests   []string
	failures   []string
	exceptions []string
	logErrors  []string
}

func newBrowser(t *testing.T, path string) *browser {
	t.Helper()
	b := &browser{output: &lockedBuffer{}}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1440, 900),
		chromedp.CombinedOutput(b.output),
	)
	ctx, cancelCtx := chromedp.NewContext(allocCtx, chromedp.WithListener(b.record))
	b.ctx = ctx
	var once sync.Once
	b.cancel = func() {
		once.Do(func() {
			cancelCtx()
			cancelAlloc()
		})
	}
	t.Cleanup(func() {
		b.close()
		if t.Failed() {
			t.Logf("chromium output:\n%s", b.output)
		}
	})
	return b
}

func (b *browser) close() { b.cancel() }

// record runs in the tab's event loop: it only appends.
func (b *browser) record(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		b.requests = append(b.requests, ev.Request.URL)
	case *network.EventResponseReceived:
		if ev.Response.Status >= 400 {
			b.failures = append(b.failures, fmt.Sprintf("%s: %d", ev.Response.URL, ev.Response.Status))
		}
	case *network.EventLoadingFailed:
		b.failures = append(b.failures, fmt.Sprintf("%s: %s %s", ev.Type, ev.ErrorText, ev.BlockedReason))
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil {
			text += " " + d.Exception.Description
		}
		b.exceptions = append(b.exceptions, text)
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			b.logErrors = append(b.logErrors, fmt.Sprintf("%s: %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
		}
	}
}

// report describes what the page did, for failure messages.
func (b *browser) report() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return fmt.Sprintf("\nrequests: %q\nfailures: %q\nexceptions: %q\nlog errors: %q",
		b.requests, b.failures, b.exceptions, b.logErrors)
}

// waitFor evaluates expression until ok accepts its value, and returns it.
// It polls from Go: the page's policy forbids the eval that chromedp.Poll uses.
func (b *browser) waitFor(ctx context.Context, t *testing.T, what, expression string, ok func(string) bool) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var last string
	for {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expression))
		require.NoError(t, err, "waiting for %s%s", what, b.report())
		if ok(v) {
			return v
		}
		last = v
		if time.Now().After(deadline) {
			t.Fatalf("no %s within 30s; last value:\n%s%s", what, last, b.report())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// assertClean checks that the page loaded only from the server, and that
// nothing failed or threw.
func (b *browser) assertClean(t *testing.T, base string) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	origin, err := url.Parse(base)
	require.NoError(t, err)
	require.NotEmpty(t, b.requests)
	for _, r := range b.requests {
		if strings.HasPrefix(r, "data:") {
			continue
		}
		u, err := url.Parse(r)
		if assert.NoError(t, err, r) {
			assert.Equal(t, origin.Host, u.Host, "request to another host: %s", r)
		}
	}
	assert.Empty(t, b.failures, "failed requests")
	assert.Empty(t, b.exceptions, "uncaught exceptions")
	assert.Empty(t, b.logErrors, "browser log errors")
}
