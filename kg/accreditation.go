package kg

import "strings"

// AccreditationSection starts the section of each citation that supports a
// Country's NHRI accreditation ("Accreditation > SG_NHR_IMPLN > 2019"), as
// the UN SDG Global Database records it for indicator 16.a.1 (PropNHRIAccreditation).
const AccreditationSection = "Accreditation > "

// Accreditation is a Country's recorded NHRI accreditation status.
type Accreditation struct {
	Status        string
	ReferenceYear int
	Citations     []Citation
}

// CountryAccreditation returns the accreditation recorded on a Country, and
// false when none is recorded. No record means the source does not list the
// country with an A or B status that year; it does not mean "no NHRI".
func CountryAccreditation(n Node) (Accreditation, bool) {
	if n.Kind != KindCountry {
		return Accreditation{}, false
	}
	status := n.Props.String(PropNHRIAccreditation)
	if status == "" {
		return Accreditation{}, false
	}
	a := Accreditation{Status: status}
	if y, ok := n.Props.Int(PropNHRIAccreditationReferenceYear); ok {
		a.ReferenceYear = int(y)
	}
	for _, c := range n.Citations {
		if strings.HasPrefix(c.Section, AccreditationSection) {
			a.Citations = append(a.Citations, c)
		}
	}
	return a, true
}
