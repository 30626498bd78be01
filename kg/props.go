package kg

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
)

// Props holds a node's kind-specific properties. Values are only ever
// string, int64, bool or []string, so that every backend stores them natively
// and they survive a round trip unchanged. Normalize brings decoded values
// (float64 from JSON, int from YAML, []any from drivers) to these types.
type Props map[string]any

// The property keys of the knowledge graph, each declared once: the seed's
// files, the typed views (views.go), the advisor, the NHRI directory and the
// backends all name a property by these constants.
const (
	// PropSeq orders entities the way the source document lists them
	// (an Action's or a Commitment's number).
	PropSeq = "seq"
	// PropText is the full verbatim text of an Action or a StrategicGoal.
	PropText = "text"
	// PropNumber is an Objective's number in the plan.
	PropNumber = "number"
	// PropCode is a Country's ISO 3166-1 alpha-2 code, an SDG target's or a
	// strategic goal's code.
	PropCode = "code"
	// PropRegion is the region (one of Regions) of a Country, an NHRI, a
	// regional Network or a regional Mechanism.
	PropRegion = "region"
	// PropType is an Instrument's type and an SDGTarget's level.
	PropType = "type"
	// PropYear is the year of an Instrument (and of a threat incident).
	PropYear = "year"

	// PropPillar is a Commitment's pillar.
	PropPillar = "pillar"
	// PropScope is a Network's scope (GLOBAL, REGIONAL, BODY).
	PropScope = "scope"
	// PropCategory is a Mechanism's category (UN, REGIONAL, FUND, NGO,
	// GANHRI, NATIONAL).
	PropCategory = "category"
	// PropSymbol is an Instrument's official document symbol.
	PropSymbol = "symbol"
	// PropAgainst lists whom a ThreatType is reported against (NHRI, HRD).
	PropAgainst = "against"
	// PropRaises lists the triggers a ThreatType raises (see Eligibility).
	PropRaises = "raises"
	// PropSector is a PerpetratorType's sector (STATE, NON_STATE).
	PropSector = "sector"
	// PropPeriod is when a Survey was held.
	PropPeriod = "period"
	// PropRespondents is how many took part in a Survey.
	PropRespondents = "respondents"

	// PropCountry is the ISO 3166-1 alpha-2 code of an NHRI's country.
	PropCountry = "country"
	// PropAccreditationStatus is an NHRI's status (A or B) in GANHRI's chart.
	PropAccreditationStatus = "accreditationStatus"
	// PropAccreditationYear is the year of an NHRI's last accreditation review.
	PropAccreditationYear = "accreditationYear"
	// PropAsOf is the date of the chart an NHRI's accreditation comes from.
	PropAsOf = "asOf"
	// PropSource is the chart an NHRI's accreditation comes from.
	PropSource = "source"

	// PropNHRIAccreditation is "A" or "B" on a Country, as the UN SDG Global
	// Database records it (see Accreditation).
	PropNHRIAccreditation = "nhriAccreditation"
	// PropNHRIAccreditationReferenceYear is the year of that observation
	// (the status in force that year), not the year of the last review.
	PropNHRIAccreditationReferenceYear = "nhriAccreditationReferenceYear"

	// Eligibility of a support channel (Mechanism or Network), see Eligibility.

	// PropActsIn is where it acts (GLOBAL, COVERED, MEMBERS, OUTSIDE, REGION).
	PropActsIn = "actsIn"
	// PropServes lists whom it serves (INSTITUTION, MEMBERS_OR_STAFF, CSO).
	PropServes = "serves"
	// PropTriggers lists the kinds of situation it acts on.
	PropTriggers = "triggers"
	// PropRemedies lists what it can do.
	PropRemedies = "remedies"
	// PropRequiresConsent is whether it needs the victims' informed
	// consent; absent when not recorded. The citations that say so name it
	// in their section.
	PropRequiresConsent = "requiresConsent"
	// PropHowToActivate is its procedure, in plain words.
	PropHowToActivate = "howToActivate"
	// PropContactPage is the official page to start from (a URL).
	PropContactPage = "contactPage"

	// PropUnconfirmed, on an organisation or treaty, lists the ISO 3166-1
	// codes of the States whose membership the recorded lists do not settle
	// either way: for them, a missing membership is not "not a member".
	PropUnconfirmed = "unconfirmed"
	// PropFormerMembers, on an organisation, lists the ISO 3166-1 codes of
	// the States that have left it.
	PropFormerMembers = "formerMembers"
)

// surveyRegions are a Survey's per-region respondent properties.
var surveyRegions = []struct{ key, region string }{
	{"respondentsAfrica", "Africa"},
	{"respondentsAmericas", "Americas"},
	{"respondentsAsiaPacific", "Asia-Pacific"},
	{"respondentsEurope", "Europe"},
}

var propKeyRE = regexp.MustCompile(`^[a-z][A-Za-z0-9]*$`)

// Reserved keys hold a node's fixed fields in backends that flatten
// properties; they cannot be used as property keys.
var reservedKeys = []string{"id", "kind", "name", "acronym", "description", "citations"}

// Validate checks keys and value types.
func (p Props) Validate() error {
	for k, v := range p {
		if !propKeyRE.MatchString(k) || slices.Contains(reservedKeys, k) {
			return Errorf(CodeBadUserInput, "invalid property key %q", k)
		}
		switch v.(type) {
		case string, int64, bool, []string:
		default:
			return Errorf(CodeBadUserInput, "property %q has unsupported type %T", k, v)
		}
	}
	return nil
}

// Normalize converts decoded values to the canonical types and drops nulls.
// It fails on values that have no canonical form (fractions, nested maps).
func Normalize(p map[string]any) (Props, error) {
	if len(p) == 0 {
		return nil, nil
	}
	out := make(Props, len(p))
	for k, v := range p {
		nv, err := normalizeValue(v)
		if err != nil {
			return nil, fmt.Errorf("property %q: %w", k, err)
		}
		if nv != nil {
			out[k] = nv
		}
	}
	return out, nil
}

func normalizeValue(v any) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string, bool, int64:
		return x, nil
	case int:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case uint64:
		if x > math.MaxInt64 {
			return nil, fmt.Errorf("integer %d out of range", x)
		}
		return int64(x), nil
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			return nil, fmt.Errorf("number %v is not an integer", x)
		}
		return int64(x), nil
	case json.Number:
		i, err := x.Int64()
		if err != nil {
			return nil, fmt.Errorf("number %s is not an integer", x)
		}
		return i, nil
	case []string:
		return slices.Clone(x), nil
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("list element %v is not a string", e)
			}
			out = append(out, s)
		}
		return out, nil
	default:
		return nil, fmt.Errorf("unsupported type %T", v)
	}
}

// String returns a string property, or "".
func (p Props) String(key string) string { s, _ := p[key].(string); return s }

// Int returns an integer property and whether it is set.
func (p Props) Int(key string) (int64, bool) { i, ok := p[key].(int64); return i, ok }

// Bool returns a boolean property and whether it is set.
func (p Props) Bool(key string) (bool, bool) { b, ok := p[key].(bool); return b, ok }

// Strings returns a list property.
func (p Props) Strings(key string) []string { s, _ := p[key].([]string); return slices.Clone(s) }

// optString returns a string property, or nil when it is not set.
func (p Props) optString(key string) *string {
	s := p.String(key)
	if s == "" {
		return nil
	}
	return &s
}

// optInt returns an integer property, or nil when it is not set.
func (p Props) optInt(key string) *int {
	i, ok := p.Int(key)
	if !ok {
		return nil
	}
	v := int(i)
	return &v
}

// intOf returns an integer property, or 0.
func (p Props) intOf(key string) int { i, _ := p.Int(key); return int(i) }

// Clone returns a deep copy.
func (p Props) Clone() Props {
	if p == nil {
		return nil
	}
	c := make(Props, len(p))
	for k, v := range p {
		if l, ok := v.([]string); ok {
			v = slices.Clone(l)
		}
		c[k] = v
	}
	return c
}

// Equal compares two property sets value by value.
func (p Props) Equal(o Props) bool {
	if len(p) != len(o) {
		return false
	}
	for k, v := range p {
		w, ok := o[k]
		if !ok {
			return false
		}
		if l, isList := v.([]string); isList {
			m, ok := w.([]string)
			if !ok || !slices.Equal(l, m) {
				return false
			}
			continue
		}
		if v != w {
			return false
		}
	}
	return true
}
