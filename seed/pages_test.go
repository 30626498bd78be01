package seed

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pagesDir keeps the stored text of the pages the seed cites, one .txt per
// page: the first line is the page's address and the date it was read, the
// rest is the text. See README.md, "Stored pages".
const pagesDir = "data/pages"

var pageHeaderRE = regexp.MustCompile(`^(https?://\S+) (\d{4}-\d{2}-\d{2})$`)

// pageKey makes an address comparable: the scheme, a leading "www." and a
// trailing slash do not change which page it is.
func pageKey(address string) string {
	a := strings.TrimPrefix(strings.TrimPrefix(address, "https://"), "http://")
	a = strings.TrimPrefix(a, "www.")
	return strings.TrimSuffix(a, "/")
}

// checkedElsewhere lists the documents whose quotes another test checks
// verbatim against a copy in the shared sources.
var checkedElsewhere = map[string]string{
	"unstats.un.org/SDGAPI": "TestAccreditation* against nhri-accreditation.csv",
}

// pageCopies lists the cited pages whose file is stored from a copy kept in
// a public repository and read in full: the page's key → the copy's address
// (the file at a commit), under which pagesDir stores it. The citation's
// document names both, and its quotes are checked against the copy.
var pageCopies = map[string]string{
	"unstats.un.org/unsd/methodology/m49/overview": "https://github.com/tken2556/un_geographic_regions/blob/44bc69548fac06f4034a3cb6dbbbf9fd641cb400/UNSD%20%E2%80%94%20Methodology.csv",
}

// pendingPages lists the cited pages whose text is not yet stored under
// pagesDir, with the reason. Their quotes are reported, not checked. A page
// leaves this list when its text is stored.
var pendingPages = map[string]string{}

type storedPage struct {
	file, address, read, text string
}

// readStoredPages reads every page under pagesDir, keyed by pageKey.
func readStoredPages(t *testing.T) map[string]storedPage {
	t.Helper()
	entries, err := os.ReadDir(pagesDir)
	require.NoError(t, err)
	pages := map[string]storedPage{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".txt") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(pagesDir, e.Name()))
		require.NoError(t, err)
		header, text, _ := strings.Cut(strings.ReplaceAll(string(b), "\r", ""), "\n")
		m := pageHeaderRE.FindStringSubmatch(header)
		if !assert.NotNil(t, m, "%s: the first line is not the address and the date read: %q", e.Name(), header) {
			continue
		}
		k := pageKey(m[1])
		if other, dup := pages[k]; dup {
			t.Errorf("%s and %s store the same page %s", other.file, e.Name(), m[1])
		}
		assert.NotEmpty(t, strings.TrimSpace(text), "%s: no text", e.Name())
		pages[k] = storedPage{file: e.Name(), address: m[1], read: m[2], text: normalize(text)}
	}
	return pages
}

// TestQuotesOnStoredPages checks every quote of a document other than the
// GAP against the stored text of its page: it must appear there verbatim
// (after normalisation), or carry a paraphrase with its reason. Quotes of
// pages not yet stored are reported.
func TestQuotesOnStoredPages(t *testing.T) {
	ds, err := Load()
	require.NoError(t, err)
	pages := readStoredPages(t)
	where, cits := ds.Citations()

	used := map[string]bool{}
	pending := map[string]int{}
	verbatim, paraphrased := 0, 0
	for i, c := range cits {
		if _, ok := SourceFiles[c.Document]; ok {
			assert.Empty(t, c.Paraphrase, "%s: a quote of the GAP is always verbatim", where[i])
			continue
		}
		if _, ok := storedListCopy(c.Document); ok {
			continue // checked verbatim by its own test
		}
		m := citedURLRE.FindStringSubmatch(c.Document)
		if !assert.NotNil(t, m, "%s: document %q names no address in parentheses", where[i], c.Document) {
			continue
		}
		k := pageKey(m[1])
		if checkedByOtherTest(k) {
			continue
		}
		if copied, ok := pageCopies[k]; ok {
			if !assert.Contains(t, c.Document, copied, "%s: the document does not name the copy of %s its quotes are checked against", where[i], m[1]) {
				continue
			}
			k = pageKey(copied)
		}
		p, stored := pages[k]
		if !stored {
			if _, ok := pendingPages[k]; ok {
				pending[k]++
				continue
			}
			t.Errorf("%s: %s is neither stored under %s nor pending", where[i], m[1], pagesDir)
			continue
		}
		used[k] = true
		if c.Paraphrase != "" {
			paraphrased++
			assert.NotContains(t, p.text, normalize(c.Quote), "%s: the quote is verbatim on %s: drop the paraphrase", where[i], p.file)
			continue
		}
		if assert.Contains(t, p.text, normalize(c.Quote), "%s: the quote is not on the stored page %s; fix it, or give its paraphrase reason", where[i], p.file) {
			verbatim++
		}
	}
	for k, p := range pages {
		assert.True(t, used[k], "%s: no citation uses the stored page %s", p.file, p.address)
		_, stillPending := pendingPages[k]
		assert.False(t, stillPending, "%s is stored (%s): remove it from pendingPages", p.address, p.file)
	}
	keys := make([]string, 0, len(pending))
	for k := range pending {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("pending: %3d quotes of %s (%s)", pending[k], k, pendingPages[k])
	}
	for page, copied := range pageCopies {
		_, stillPending := pendingPages[page]
		assert.False(t, stillPending, "%s is stored from its copy %s: remove it from pendingPages", page, copied)
		assert.True(t, used[pageKey(copied)], "no citation of %s is checked against its copy %s", page, copied)
	}
	for k := range pendingPages {
		if pending[k] == 0 {
			if _, ok := pages[k]; !ok {
				t.Errorf("pendingPages lists %s, which no citation uses", k)
			}
		}
	}
	t.Logf("%d quotes verbatim and %d paraphrased on %d stored pages; %d pages pending", verbatim, paraphrased, len(pages), len(keys))
}

// citedURLRE finds the address a document cites, in parentheses; the
// address may itself hold one pair of parentheses (Glossary:European_Union_(EU)).
var citedURLRE = regexp.MustCompile(`\((https?://(?:[^\s()]|\([^\s()]*\))+)\)`)

// checkedByOtherTest says whether the page is in checkedElsewhere.
func checkedByOtherTest(key string) bool {
	for prefix := range checkedElsewhere {
		if strings.HasPrefix(key, prefix) {
			return true
		}
	}
	return false
}
