package httpapi

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"

	"marrakechgraph/kg"
)

// Column names of the exports follow the GraphQL schema: a property is
// named after the field that shows it (Action.number, not the stored
// "seq"), a nested field by its path ("eligibility.actsIn",
// "nhriAccreditation.status"), and a node's kind is spelled as the
// EntityKind enum spells it (SDG_TARGET). A property the schema does not
// show keeps its stored name, but for "seq", the position in the source
// document, which is "order" where the schema shows no number.

// propFieldsByKind names the properties whose field differs on one kind.
var propFieldsByKind = map[kg.Kind]map[string]string{
	kg.KindAction:     {kg.PropSeq: "number"},
	kg.KindCommitment: {kg.PropSeq: "number"},
	kg.KindNHRI:       {kg.PropCountry: "country.code"},
	kg.KindSDGTarget:  {kg.PropType: "level"},
}

// propFields names the properties whose field differs on every kind.
var propFields = map[string]string{
	kg.PropActsIn:                         "eligibility.actsIn",
	kg.PropServes:                         "eligibility.serves",
	kg.PropTriggers:                       "eligibility.triggers",
	kg.PropRemedies:                       "eligibility.remedies",
	kg.PropRequiresConsent:                "eligibility.requiresConsent",
	kg.PropHowToActivate:                  "eligibility.howToActivate",
	kg.PropContactPage:                    "eligibility.contactPage",
	kg.PropNHRIAccreditation:              "nhriAccreditation.status",
	kg.PropNHRIAccreditationReferenceYear: "nhriAccreditation.referenceYear",
	kg.PropSeq:                            "order",
	"respondentsAfrica":                   "respondentsByRegion.Africa",
	"respondentsAmericas":                 "respondentsByRegion.Americas",
	"respondentsAsiaPacific":              "respondentsByRegion.Asia-Pacific",
	"respondentsEurope":                   "respondentsByRegion.Europe",
}

// columnName is the export column of a kind's property.
func columnName(k kg.Kind, key string) string {
	if f, ok := propFieldsByKind[k][key]; ok {
		return f
	}
	if f, ok := propFields[key]; ok {
		return f
	}
	return key
}

var (
	lowerUpper = regexp.MustCompile(`([a-z0-9])([A-Z])`)
	upperWord  = regexp.MustCompile(`([A-Z]+)([A-Z][a-z])`)
)

// kindName spells a kind as the schema's EntityKind enum does:
// "SDGTarget" is SDG_TARGET, "RiskGroup" RISK_GROUP.
func kindName(k kg.Kind) string {
	s := upperWord.ReplaceAllString(string(k), "${1}_${2}")
	return strings.ToUpper(lowerUpper.ReplaceAllString(s, "${1}_${2}"))
}

// columnType is the type of an export column, as GraphML declares it.
type columnType string

const (
	typeString  columnType = "string"
	typeInt     columnType = "long"
	typeBoolean columnType = "boolean"
)

// column is one property column of the node exports.
type column struct {
	name string
	typ  columnType
}

// propColumns lists the property columns of the nodes, sorted by name,
// each with the type of its values. A list of strings is a string column.
// Should two kinds record one column with different types, it is a string.
func propColumns(nodes []exportedNode) []column {
	types := map[string]columnType{}
	for _, n := range nodes {
		for name, v := range n.Props {
			t := typeString
			switch v.(type) {
			case int64:
				t = typeInt
			case bool:
				t = typeBoolean
			}
			if prev, ok := types[name]; ok && prev != t {
				t = typeString
			}
			types[name] = t
		}
	}
	cols := make([]column, 0, len(types))
	for name, t := range types {
		cols = append(cols, column{name, t})
	}
	sort.Slice(cols, func(i, j int) bool { return cols[i].name < cols[j].name })
	return cols
}

// cellText writes a property value as one text cell: a list of strings as
// its items joined by "; ".
func cellText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case []string:
		return strings.Join(v, "; ")
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}
