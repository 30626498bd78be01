package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBrowserExplorer builds the server, starts it on the embedded store and
// opens the explorer in headless Chromium: the commitment map is drawn, a
// click on a commitment opens its citations, and the role boxes choose the
// channels drawn; an activation plan drawn for an NHRI and a threat opens a
// channel's reasons and citations on click; an entity's neighbourhood is
// drawn. Screenshots of the map, the plan and the neighbourhood go to a
// temporary folder and are checked (dimensions, size, a drawing on them). Every request the page makes is recorded: none leaves the origin,
// none fails, and the page breaks no rule of its Content-Security-Policy.
func TestBrowserExplorer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the server and a browser")
	}
	chromium := findChromium(t)

	srv := startServer(t, buildServer(t))
	srv.waitReady(t, 60*time.Second)

	b := newBrowser(t, chromium)
	ctx, cancel := context.WithTimeout(b.ctx, 120*time.Second)
	defer cancel()
	// The screenshots stay after the test, for a person to look at.
	shots, err := os.MkdirTemp("", "marrakechgraph-explorer-*")
	require.NoError(t, err)
	t.Logf("screenshots in %s", shots)

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
		chromedp.Navigate(srv.base+"/explore"),
	), "open the explorer%s", b.report())

	title, err := chromedp.Run(ctx, chromedp.Title())
	require.NoError(t, err)
	assert.Equal(t, "Marrakech Graph explorer", title)

	drawn := func(what, view string, after int) int {
		v := b.waitFor(ctx, t, what, `document.body.dataset.drawn || ''`, func(v string) bool {
			var n int
			_, err := fmt.Sscanf(strings.TrimPrefix(v, view+":"), "%d", &n)
			return strings.HasPrefix(v, view+":") && err == nil && n > after
		})
		var n int
		_, _ = fmt.Sscanf(strings.TrimPrefix(v, view+":"), "%d", &n)
		return n
	}
	count := func(selector string) int {
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf(`explorer.cy.elements(%q).length`, selector)))
		require.NoError(t, err)
		return n
	}

	// (a) The commitment → support-channel map.
	n := drawn("the commitment map", "map", 0)
	assert.Equal(t, 7, count("node.commitment"), "the seven commitments")
	assert.Equal(t, 3, count("node.pillar"), "their three pillars")
	assert.Positive(t, count("node.channel"), "support channels")
	assert.Positive(t, count("node.action"), "the actions between them")
	status, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#status")))
	require.NoError(t, err)
	t.Logf("map: %s", status)
	checkScreenshot(t, ctx, b, filepath.Join(shots, "map.png"))

	// A click on a commitment opens its citations.
	clickNode(t, ctx, b, "commitment:early-warning")
	heading := b.waitFor(ctx, t, "the commitment's citations", `(() => {
  const h = document.querySelector('#details h2');
  return document.querySelectorAll('#citations .citation').length > 0 && h ? h.textContent : '';
})()`, func(v string) bool { return v != "" })
	assert.Contains(t, strings.ToLower(heading), "early warning")
	quotes, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#citations .citation q')].map(q => q.textContent)`))
	require.NoError(t, err)
	require.NotEmpty(t, quotes)
	for _, q := range quotes {
		assert.NotEmpty(t, strings.TrimSpace(q))
	}

	// The map's role boxes choose its channels: only the bodies that can
	// act, then none, then all again.
	allChannels := count("node.channel")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#map-roles input[value="PROCESS"]`)),
	), "untick processes%s", b.report())
	n = drawn("the map without processes", "map", n)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#map-roles input[value="BENEFICIARY"]`)),
	), "untick beneficiaries%s", b.report())
	n = drawn("the map of the channels that act", "map", n)
	acting := count("node.channel")
	assert.Positive(t, acting, "channels that act")
	assert.Less(t, acting, allChannels, "fewer channels than all roles show")
	assert.Equal(t, 7, count("node.commitment"), "every commitment stays")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#map-roles input[value="ACTS"]`))), "untick the last role%s", b.report())
	n = drawn("the map without channels", "map", n)
	assert.Zero(t, count("node.channel"), "no role, no channel")
	assert.Equal(t, 7, count("node.commitment"))
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#map-roles input[value="ACTS"]`)),
	), "tick the roles again%s", b.report())
	n = drawn("the map of acting channels again", "map", n)
	assert.Equal(t, acting, count("node.channel"))
	for _, role := range []string{"PROCESS", "BENEFICIARY"} {
		require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#map-roles input[value="`+role+`"]`))), "tick %s%s", role, b.report())
		n = drawn("the map with "+role, "map", n)
	}
	assert.Equal(t, allChannels, count("node.channel"), "every role: every channel again")

	// (c) An activation plan for an NHRI and a threat.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#tab-plan"))), "open the plan tab%s", b.report())
	n = drawn("the plan for Guatemala, the form's default", "plan", n)
	b.waitFor(ctx, t, "the plan form", `document.body.dataset.planForm || ''`, func(v string) bool { return v == "ready" })
	const nhri = "nhri:np-nhrc"
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#plan-nhri"), nhri),
		chromedp.Click(chromedp.CSS(`#plan-threats input[value="threat-type:smear-campaigns"]`)),
		chromedp.Click(chromedp.CSS("#plan-draw")),
	), "draw the plan for %s%s", nhri, b.report())
	drawn("the plan for "+nhri, "plan", n)
	center, err := chromedp.Run(ctx, chromedp.Evaluate[string](`explorer.cy.$('node.center').data('entity')`))
	require.NoError(t, err)
	assert.Equal(t, nhri, center)
	recommended := count("node.channel")
	assert.Positive(t, recommended, "recommended channels")
	status, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#status")))
	require.NoError(t, err)
	t.Logf("plan: %s", status)
	checkScreenshot(t, ctx, b, filepath.Join(shots, "plan.png"))

	first, err := chromedp.Run(ctx, chromedp.Evaluate[string](`explorer.cy.$('node.channel').filter(n => n.data('plan').rank === 1)[0].id()`))
	require.NoError(t, err)
	clickNode(t, ctx, b, first)
	b.waitFor(ctx, t, "the channel's reasons and citations", `String(document.querySelectorAll('#details .reasons li').length > 0 && document.querySelectorAll('#citations .citation').length > 0)`,
		func(v string) bool { return v == "true" })

	// (b) An entity's neighbourhood.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#tab-neighbourhood"))))
	drawn("the neighbourhood of commitment:early-warning", "neighbourhood", 0)
	assert.Greater(t, count("node"), 1)
	assert.Equal(t, count("node")-1, count("node[entity != 'commitment:early-warning']"))
	checkScreenshot(t, ctx, b, filepath.Join(shots, "neighbourhood.png"))

	violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__cspViolations`))
	require.NoError(t, err)
	assert.Empty(t, violations, "Content-Security-Policy violations")
	b.mu.Lock()
	t.Logf("%d requests, all to %s", len(b.requests), srv.base)
	b.mu.Unlock()
	b.assertClean(t, srv.base)

	b.close()
	srv.stop(t, 10*time.Second)
}

// clickNode clicks with the mouse where the explorer draws the node id.
func clickNode(t *testing.T, ctx context.Context, b *browser, id string) {
	t.Helper()
	pos, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](fmt.Sprintf(`(() => {
  const n = explorer.cy.getElementById(%q);
  if (n.empty()) return [];
  const p = n.renderedPosition();
  const r = document.getElementById('cy').getBoundingClientRect();
  return [r.left + p.x, r.top + p.y];
})()`, id)))
	require.NoError(t, err)
	require.Len(t, pos, 2, "%s is drawn", id)
	require.NoError(t, chromedp.Do(ctx, chromedp.MouseClickXY(pos[0], pos[1])), "click %s%s", id, b.report())
}

// checkScreenshot writes a screenshot of the page to file and checks it: the
// window's dimensions, a size of a drawing rather than of a blank page, and
// many colours in the drawing's area.
func checkScreenshot(t *testing.T, ctx context.Context, b *browser, file string) {
	t.Helper()
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err, b.report())
	require.NoError(t, os.WriteFile(file, shot, 0o600))
	img, err := png.Decode(bytes.NewReader(shot))
	require.NoError(t, err)
	bounds := img.Bounds()
	t.Logf("screenshot %s: %d×%d, %d bytes", file, bounds.Dx(), bounds.Dy(), len(shot))
	viewport, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[window.innerWidth, window.innerHeight]`))
	require.NoError(t, err)
	require.Len(t, viewport, 2)
	assert.Equal(t, image.Pt(viewport[0], viewport[1]), bounds.Size(), "the page fills the window")
	assert.Equal(t, 1440, bounds.Dx())
	assert.Greater(t, bounds.Dy(), 600)
	assert.Greater(t, len(shot), 40_000, "a drawing, not a blank page")

	rect, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => { const r = document.getElementById('cy').getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })()`))
	require.NoError(t, err)
	require.Len(t, rect, 4)
	colours := map[[3]uint32]bool{}
	drawnPixels := 0
	bg := img.At(int(rect[0])+2, int(rect[1])+2)
	br, bgG, bb, _ := bg.RGBA()
	for y := int(rect[1]); y < int(rect[3]); y += 2 {
		for x := int(rect[0]); x < int(rect[2]); x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
			if r != br || g != bgG || bl != bb {
				drawnPixels++
			}
		}
	}
	area := (rect[2] - rect[0]) * (rect[3] - rect[1]) / 4
	t.Logf("drawing area %.0f×%.0f: %d colours, %.1f%% of it drawn on", rect[2]-rect[0], rect[3]-rect[1], len(colours), 100*float64(drawnPixels)/area)
	assert.Greater(t, len(colours), 50, "nodes, links and labels in several colours")
	assert.Greater(t, float64(drawnPixels), 0.01*area, "the drawing covers part of its area")
}
