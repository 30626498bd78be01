package seed

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"marrakechgraph/kg"
)

// sdgGeoAreaNames are the countries whose name in the stored copy of the
// M49 CSV is not the one the UN SDG database's list of geographic areas
// gives for the same code: M49 code → the database's name.
var sdgGeoAreaNames = map[string]string{
	"384": "Côte d'Ivoire", // the copy: Côte d’Ivoire (typographic apostrophe)
	"520": "Nauru",         // the copy: Naoero
	"528": "Netherlands",   // the copy: Netherlands (Kingdom of the)
	"792": "Turkey",        // the copy: Türkiye
}

// TestM49AgainstSDGGeoAreas checks the M49 code and name each country's M49
// citation quotes against a second UN list: the SDG database's own list of
// geographic areas (nhri-accreditation.raw.geo_area.csv in the shared
// sources), which gives each code and name, not the region line.
func TestM49AgainstSDGGeoAreas(t *testing.T) {
	g := loadGraph(t)
	areas := map[string]string{}
	for _, r := range readSharedCSV(t, "nhri-accreditation.raw.geo_area.csv") {
		areas[r["geo_area"]] = r["name"]
	}
	differ := map[string]string{}
	checked := 0
	for _, n := range g.byKind[kg.KindCountry] {
		for _, c := range n.Citations {
			if !strings.Contains(c.Document, "(M49)") {
				continue
			}
			f := strings.Split(c.Quote, ";")
			if !assert.Len(t, f, 10, "%s: M49 quote %q", n.ID, c.Quote) {
				continue
			}
			name, code := f[6], strings.TrimLeft(f[7], "0")
			dbName, ok := areas[code]
			if !assert.True(t, ok, "%s: M49 code %s is not on the SDG database's list", n.ID, f[7]) {
				continue
			}
			checked++
			if dbName != name {
				differ[code] = dbName
			}
		}
	}
	assert.Equal(t, unMemberStates+unObserverStates, checked, "one M49 row per country")
	assert.Equal(t, sdgGeoAreaNames, differ, "names the SDG database writes otherwise")
}
