package seed

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/kg"
)

// The UN SDG Global Database, indicator 16.a.1, reference year 2019, as
// nhri-accreditation.md in the shared sources describes it: 111 countries
// with an NHRI of A or B status, 78 A and 33 B.
const (
	accreditedCountries2019 = 111
	accreditedA2019         = 78
	accreditedB2019         = 33
	accreditationRefYear    = 2019
)

// accreditationSeries is the SDG series (and its raw file in the shared
// sources) that records each status.
var accreditationSeries = map[string]struct{ code, file string }{
	"A": {"SG_NHR_IMPLN", "nhri-accreditation.raw.sg_nhr_impln.csv"},
	"B": {"SG_NHR_INTEXSTN", "nhri-accreditation.raw.sg_nhr_intexstn.csv"},
}

// readSharedFile reads a file of the shared sources folder; it skips the
// test locally and fails it in CI when the file is missing.
func readSharedFile(t *testing.T, name string) []byte {
	t.Helper()
	dir := os.Getenv("MARRAKECH_SOURCES")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "sources")
	}
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		msg := fmt.Sprintf("shared source %s not readable (%v); set MARRAKECH_SOURCES", name, err)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return b
}

func readSharedCSV(t *testing.T, name string) []map[string]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(string(readSharedFile(t, name)))).ReadAll()
	require.NoError(t, err, name)
	require.NotEmpty(t, recs, name)
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

var m49InSourceRE = regexp.MustCompile(`\(M49 (\d+), `)

func TestNHRIAccreditation(t *testing.T) {
	g := loadGraph(t)

	recorded := map[string]kg.Accreditation{}
	counts := map[string]int{}
	for _, n := range g.byKind[kg.KindCountry] {
		a, ok := kg.CountryAccreditation(n)
		if !ok {
			_, hasYear := n.Props[kg.PropNHRIAccreditationReferenceYear]
			assert.False(t, hasYear, "%s: a reference year without a status", n.ID)
			for _, c := range n.Citations {
				assert.False(t, strings.HasPrefix(c.Section, kg.AccreditationSection), "%s: an accreditation citation without a status", n.ID)
			}
			continue
		}
		recorded[n.Props.String(kg.PropCode)] = a
		counts[a.Status]++
		assert.Contains(t, []string{"A", "B"}, a.Status, n.ID)
		assert.Equal(t, accreditationRefYear, a.ReferenceYear, "%s: reference year", n.ID)
		if assert.Len(t, a.Citations, 1, "%s: one accreditation citation", n.ID) {
			c := a.Citations[0]
			s := accreditationSeries[a.Status]
			assert.Equal(t, fmt.Sprintf("Accreditation > %s > %d", s.code, accreditationRefYear), c.Section, n.ID)
			assert.Contains(t, c.Document, "indicator 16.a.1", n.ID)
			assert.Contains(t, c.Document, "series "+s.code+":", n.ID)
			assert.Contains(t, c.Document, fmt.Sprintf("reference year %d", accreditationRefYear), n.ID)
		}
	}
	assert.Len(t, recorded, accreditedCountries2019, "countries with a recorded status")
	assert.Equal(t, map[string]int{"A": accreditedA2019, "B": accreditedB2019}, counts)

	t.Run("equal to the CSV", func(t *testing.T) {
		rows := readSharedCSV(t, "nhri-accreditation.csv")
		require.Len(t, rows, accreditedCountries2019)
		want := map[string]string{}
		for _, r := range rows {
			want[r["country"]] = r["status"]
			// The CSV has no institution, year or region: none is recorded.
			assert.Empty(t, r["institution"]+r["year"]+r["region"], r["country"])
		}
		got := map[string]string{}
		for code, a := range recorded {
			got[code] = a.Status
		}
		assert.Equal(t, want, got)
	})

	t.Run("each quote is a 2019 datapoint of its series", func(t *testing.T) {
		rows := readSharedCSV(t, "nhri-accreditation.csv")
		m49 := map[string]string{}
		for _, r := range rows {
			m := m49InSourceRE.FindStringSubmatch(r["source"])
			require.NotNil(t, m, r["country"])
			m49[r["country"]] = m[1]
		}
		lines := map[string][]string{}
		for st, s := range accreditationSeries {
			lines[st] = strings.Split(strings.ReplaceAll(string(readSharedFile(t, s.file)), "\r", ""), "\n")
		}
		for code, a := range recorded {
			for _, c := range a.Citations {
				assert.Equal(t, m49[code]+",c,number,2019,1", c.Quote, code)
				assert.True(t, slices.Contains(lines[a.Status], c.Quote), "%s: %q is not a line of %s", code, c.Quote, accreditationSeries[a.Status].file)
			}
		}
	})

	t.Run("absent means not recorded", func(t *testing.T) {
		// Switzerland had C status in 2019 and Tonga is not in the data:
		// neither has a recorded status, and none is invented.
		for _, id := range []string{"country:ch", "country:to"} {
			_, ok := kg.CountryAccreditation(g.nodes[id])
			assert.False(t, ok, id)
		}
		assert.Equal(t, "A", recorded["KE"].Status, "Kenya")
		assert.Equal(t, "B", recorded["CI"].Status, "Côte d'Ivoire")
	})
}
