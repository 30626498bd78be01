package seed

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/kg"
)

// storedListCopies are the secondary lists cited from a copy kept in the
// shared sources rather than from an official site (README.md, "African
// Charter: the UNICRI list"): the page's address → the file that holds the
// copy. Their quotes are checked verbatim against that file.
var storedListCopies = map[string]string{
	"http://lab.unicri.it/topics/trafficking_exploitation/archive/international_legal_repository/africa": "african-charter-parties.excerpts.txt",
}

// storedListCopy returns the file that keeps a copy of the document's page,
// when the document is one of storedListCopies.
func storedListCopy(document string) (string, bool) {
	for url, file := range storedListCopies {
		if strings.Contains(document, "("+url+")") {
			return file, true
		}
	}
	return "", false
}

const (
	unicriSection = "African Charter on Human and People's Rights > Ratified by all 53 OAU member states"
	unicriHeading = "Ratified by all 53 OAU member states:"
)

// unicriNames reads the names UNICRI's list gives after its heading.
func unicriNames(t *testing.T, file string) []string {
	t.Helper()
	text := strings.ReplaceAll(string(readSharedFile(t, file)), "\r", "")
	_, after, ok := strings.Cut(text, unicriHeading+"\n")
	require.True(t, ok, "%s: no %q", file, unicriHeading)
	line, _, _ := strings.Cut(after, "\n")
	names := strings.Split(line, ", ")
	require.Len(t, names, africanCharterPartiesListed, "%s: the list's names", file)
	return names
}

func TestAfricanCharterList(t *testing.T) {
	g := loadGraph(t)
	file := storedListCopies["http://lab.unicri.it/topics/trafficking_exploitation/archive/international_legal_repository/africa"]

	t.Run("each quote is verbatim on the stored copy", func(t *testing.T) {
		names := unicriNames(t, file)
		where, cits := g.ds.Citations()
		n := 0
		for i, c := range cits {
			if f, ok := storedListCopy(c.Document); !ok || f != file {
				continue
			}
			n++
			assert.Equal(t, unicriSection, c.Section, where[i])
			assert.Regexp(t, asOfRE, c.Document, where[i])
			if strings.HasPrefix(where[i], "instrument:african-charter") {
				assert.Equal(t, unicriHeading, c.Quote, where[i])
				continue
			}
			assert.Contains(t, names, c.Quote, "%s: %q is not a name on the list", where[i], c.Quote)
		}
		assert.Equal(t, africanCharterPartiesRecorded+1, n, "one citation per party and the list's heading")
	})

	t.Run("the parties are the list's States", func(t *testing.T) {
		rows := readSharedCSV(t, "african-charter-parties.csv")
		require.Len(t, rows, africanCharterPartiesListed)
		want := map[string]string{}
		for _, r := range rows {
			if r["iso2"] == "" {
				// The Sahrawi Arab Democratic Republic, not a Country here.
				assert.Equal(t, "Saharawi Arab Democratic Republic", r["country"])
				continue
			}
			want["country:"+strings.ToLower(r["iso2"])] = r["country"]
		}
		got := map[string]string{}
		byACHPR := 0
		for _, e := range g.ds.Edges {
			if e.Type != kg.RelPartyTo {
				continue
			}
			var onList []string
			for _, c := range e.Citations {
				if _, ok := storedListCopy(c.Document); ok {
					onList = append(onList, c.Quote)
				} else if strings.HasPrefix(c.Document, "African Commission on Human and Peoples' Rights") {
					byACHPR++
				}
			}
			if assert.Len(t, onList, 1, "%s: one citation of the list", e.Key()) {
				got[e.From] = onList[0]
			}
		}
		assert.Equal(t, want, got)
		assert.Equal(t, africanCharterPartiesByACHPR, byACHPR, "edges that also cite a page of the African Commission")
		assert.NotContains(t, got, "country:ma", "Morocco is not on the list")
		assert.NotContains(t, got, "country:ss", "South Sudan is not on the list")
		assert.Contains(t, got, "country:ng", "Nigeria")
		assert.Contains(t, got, "country:gm", "The Gambia, seat of the African Commission")
	})
}
