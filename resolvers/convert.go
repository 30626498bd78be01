package resolvers

import (
	"fmt"

	"marrakechgraph/graph/model"
	"marrakechgraph/kg"
)

// kindOfEnum maps the schema's EntityKind values to domain kinds.
var kindOfEnum = map[model.EntityKind]kg.Kind{
	model.EntityKindNetwork:         kg.KindNetwork,
	model.EntityKindNhri:            kg.KindNHRI,
	model.EntityKindMechanism:       kg.KindMechanism,
	model.EntityKindInstrument:      kg.KindInstrument,
	model.EntityKindCommitment:      kg.KindCommitment,
	model.EntityKindObjective:       kg.KindObjective,
	model.EntityKindAction:          kg.KindAction,
	model.EntityKindRiskGroup:       kg.KindRiskGroup,
	model.EntityKindThreatType:      kg.KindThreatType,
	model.EntityKindPerpetratorType: kg.KindPerpetratorType,
	model.EntityKindSdgTarget:       kg.KindSDGTarget,
	model.EntityKindStrategicGoal:   kg.KindStrategicGoal,
	model.EntityKindCountry:         kg.KindCountry,
	model.EntityKindSurvey:          kg.KindSurvey,
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optInt(p kg.Props, key string) *int {
	i, ok := p.Int(key)
	if !ok {
		return nil
	}
	v := int(i)
	return &v
}

func intOf(p kg.Props, key string) int { i, _ := p.Int(key); return int(i) }

func citations(cs []kg.Citation) []*model.Citation {
	out := make([]*model.Citation, len(cs))
	for i, c := range cs {
		out[i] = &model.Citation{Document: c.Document, Section: c.Section, Quote: c.Quote}
	}
	return out
}

// toEntity converts a domain node to the schema type of its kind.
func toEntity(n *kg.Node) model.Entity {
	switch n.Kind {
	case kg.KindNetwork:
		return toNetwork(n)
	case kg.KindNHRI:
		return toNHRI(n)
	case kg.KindMechanism:
		return toMechanism(n)
	case kg.KindInstrument:
		return toInstrument(n)
	case kg.KindCommitment:
		return toCommitment(n)
	case kg.KindObjective:
		return toObjective(n)
	case kg.KindAction:
		return toAction(n)
	case kg.KindRiskGroup:
		return toRiskGroup(n)
	case kg.KindThreatType:
		return toThreatType(n)
	case kg.KindPerpetratorType:
		return toPerpetratorType(n)
	case kg.KindSDGTarget:
		return toSDGTarget(n)
	case kg.KindStrategicGoal:
		return toStrategicGoal(n)
	case kg.KindCountry:
		return toCountry(n)
	case kg.KindSurvey:
		return toSurvey(n)
	}
	// Kinds are a closed set; a node of another kind cannot be stored.
	panic(fmt.Sprintf("resolvers: no schema type for kind %q", n.Kind))
}

func toNetwork(n *kg.Node) *model.Network {
	return &model.Network{
		ID: n.ID, Name: n.Name, Acronym: optString(n.Acronym), Description: optString(n.Description), Citations: citations(n.Citations),
		Scope: model.NetworkScope(n.Props.String(kg.PropScope)), Region: optString(n.Props.String(kg.PropRegion)),
	}
}

func toNHRI(n *kg.Node) *model.Nhri {
	m := &model.Nhri{
		ID: n.ID, Name: n.Name, Acronym: optString(n.Acronym), Description: optString(n.Description), Citations: citations(n.Citations),
		AccreditationYear: optInt(n.Props, kg.PropAccreditationYear),
		Region:            optString(n.Props.String(kg.PropRegion)),
		Source:            optString(n.Props.String(kg.PropSource)),
	}
	if d := n.Props.String(kg.PropAsOf); d != "" {
		date := kg.Date(d)
		m.AsOf = &date
	}
	if s := n.Props.String(kg.PropAccreditationStatus); s != "" {
		st := model.AccreditationStatus(s)
		m.AccreditationStatus = &st
	}
	return m
}

func toMechanism(n *kg.Node) *model.Mechanism {
	return &model.Mechanism{
		ID: n.ID, Name: n.Name, Acronym: optString(n.Acronym), Description: optString(n.Description), Citations: citations(n.Citations),
		Category: model.MechanismCategory(n.Props.String(kg.PropCategory)), Region: optString(n.Props.String(kg.PropRegion)),
	}
}

func toInstrument(n *kg.Node) *model.Instrument {
	return &model.Instrument{
		ID: n.ID, Name: n.Name, Acronym: optString(n.Acronym), Description: optString(n.Description), Citations: citations(n.Citations),
		Type: model.InstrumentType(n.Props.String(kg.PropType)), Symbol: optString(n.Props.String(kg.PropSymbol)), Year: optInt(n.Props, kg.PropYear),
	}
}

func toCommitment(n *kg.Node) *model.Commitment {
	return &model.Commitment{
		ID: n.ID, Name: n.Name, Acronym: optString(n.Acronym), Description: optString(n.Description), Citations: citations(n.Citations),
		Pillar: model.Pillar(n.Props.String(kg.PropPillar)), Number: intOf(n.Props, kg.PropSeq),
	}
}

func toObjective(n *kg.Node) *model.Objective {
	return &model.Objective{
		ID: n.ID, Name: n.Name, Acronym: optString(n.Acronym), Description: optString(n.Description), Citations: citations(n.Citations),
		Number: intOf(n.Props, kg.PropNumber),
	}
}

func toAction(n *kg.Node) *model.Action {
	return &model.Action{
		ID: n.ID, Name: n.Name, Acronym: optString(n.Acronym), Description: optString(n.Description), Citations: citations(n.Citations),
		Number: intOf(n.Props, kg.PropSeq), Text: n.Props.String(kg.PropText),
	}
}

func toRiskGroup(n *kg.Node) *model.RiskGroup {
	return &model.RiskGroup{
		ID: n.ID, Name: n.Name, Acronym: optString(n.Acronym), Description: optString(n.Description), Citations: citations(n.Citations),
	}
}

func toThreatType(n *kg.Node) *model.ThreatType {
	m := &model.ThreatType{
		ID: n.ID, Name: n.Name, Acronym: optString(n.Acronym), Description: optString(n.Description), Citations: citations(n.Citations),
		Against: []model.ThreatSubject{},
	}
	for _, s := range n.Props.Strings(kg.PropAgainst) {
		m.Against = append(m.Against, model.ThreatSubject(s))
	}
	return m
}

func toPerpetratorType(n *kg.Node) *model.PerpetratorType {
	return &model.PerpetratorType{
		ID: n.ID, Name: n.Name, Acronym: optString(n.Acronym), Description: optString(n.Description), Citations: citations(n.Citations),
		Sector: model.Sector(n.Props.String(kg.PropSector)),
	}
}

func toSDGTarget(n *kg.Node) *model.SDGTarget {
	return &model.SDGTarget{
		ID: n.ID, Name: n.Name, Acronym: optString(n.Acronym), Description: optString(n.Description), Citations: citations(n.Citations),
		Code: n.Props.String(kg.PropCode), Level: model.SDGLevel(n.Props.String(kg.PropType)),
	}
}

func toStrategicGoal(n *kg.Node) *model.StrategicGoal {
	return &model.StrategicGoal{
		ID: n.ID, Name: n.Name, Acronym: optString(n.Acronym), Description: optString(n.Description), Citations: citations(n.Citations),
		Code: n.Props.String(kg.PropCode), Text: n.Props.String(kg.PropText),
	}
}

func toCountry(n *kg.Node) *model.Country {
	return &model.Country{
		ID: n.ID, Name: n.Name, Acronym: optString(n.Acronym), Description: optString(n.Description), Citations: citations(n.Citations),
		Code: n.Props.String(kg.PropCode), Region: n.Props.String(kg.PropRegion),
		NhriAccreditation: toAccreditation(*n),
	}
}

// toAccreditation returns a country's recorded NHRI accreditation, or nil
// when none is recorded or its status is not one the schema knows.
func toAccreditation(n kg.Node) *model.Accreditation {
	a, ok := kg.CountryAccreditation(n)
	if !ok {
		return nil
	}
	st := model.AccreditationStatus(a.Status)
	if !st.IsValid() {
		return nil
	}
	return &model.Accreditation{Status: st, ReferenceYear: a.ReferenceYear, Citations: citations(a.Citations)}
}

// surveyRegions lists the per-region respondent properties of a survey.
var surveyRegions = []struct{ key, region string }{
	{"respondentsAfrica", "Africa"},
	{"respondentsAmericas", "Americas"},
	{"respondentsAsiaPacific", "Asia-Pacific"},
	{"respondentsEurope", "Europe"},
}

func toSurvey(n *kg.Node) *model.Survey {
	m := &model.Survey{
		ID: n.ID, Name: n.Name, Acronym: optString(n.Acronym), Description: optString(n.Description), Citations: citations(n.Citations),
		Period: optString(n.Props.String(kg.PropPeriod)), Respondents: optInt(n.Props, kg.PropRespondents),
		RespondentsByRegion: []*model.RegionCount{},
	}
	for _, r := range surveyRegions {
		if c, ok := n.Props.Int(r.key); ok {
			m.RespondentsByRegion = append(m.RespondentsByRegion, &model.RegionCount{Region: r.region, Count: int(c)})
		}
	}
	return m
}

// convertAll converts nodes with a kind-specific function.
func convertAll[T any](nodes []*kg.Node, f func(*kg.Node) T) []T {
	out := make([]T, len(nodes))
	for i, n := range nodes {
		out[i] = f(n)
	}
	return out
}
