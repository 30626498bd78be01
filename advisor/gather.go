package advisor

import (
	"context"
	"strings"

	"marrakechgraph/kg"
)

// Where names the place of a situation: an NHRI, a country code, or both
// (they must agree).
type Where struct {
	NHRI    string
	Country string
}

// Gather reads from a store what Advise needs for a situation, in a
// handful of batched calls.
func Gather(ctx context.Context, s kg.Store, where Where, sit Situation) (Input, error) {
	in := Input{Situation: sit, Recorded: map[string]int{}}
	var ids []string
	if where.NHRI != "" {
		ids = append(ids, where.NHRI)
	}
	code := strings.ToUpper(strings.TrimSpace(where.Country))
	if code != "" {
		ids = append(ids, "country:"+strings.ToLower(code))
	}
	if len(ids) == 0 {
		return in, kg.Errorf(kg.CodeBadUserInput, "situation: give an nhri or a country")
	}
	ids = append(ids, sit.Threats...)
	nodes, err := s.Nodes(ctx, ids)
	if err != nil {
		return in, err
	}
	i := 0
	if where.NHRI != "" {
		if nodes[i] == nil || nodes[i].Kind != kg.KindNHRI {
			return in, kg.Errorf(kg.CodeBadUserInput, "situation.nhri: %q is not the ID of an NHRI", where.NHRI)
		}
		in.NHRI = nodes[i]
		i++
	}
	if code != "" {
		if nodes[i] == nil || nodes[i].Kind != kg.KindCountry {
			return in, kg.Errorf(kg.CodeBadUserInput, "situation.country: %q is not the ISO 3166-1 alpha-2 code of a UN member or observer State", where.Country)
		}
		in.Country = nodes[i]
		i++
	}
	for j, n := range nodes[i:] {
		if n == nil || n.Kind != kg.KindThreatType {
			return in, kg.Errorf(kg.CodeBadUserInput, "situation.threats: %q is not the ID of a ThreatType", sit.Threats[j])
		}
		in.Threats = append(in.Threats, n)
	}

	if in.NHRI != nil {
		located, err := s.Neighbors(ctx, []string{in.NHRI.ID}, kg.NeighborQuery{
			Direction: kg.Outgoing, Types: []kg.RelType{kg.RelLocatedIn}, Kinds: []kg.Kind{kg.KindCountry},
		})
		if err != nil {
			return in, err
		}
		if len(located[0]) == 0 {
			return in, kg.Errorf(kg.CodeBadUserInput, "situation.nhri: the country of %s is not recorded; give situation.country", in.NHRI.ID)
		}
		c := located[0][0].Node
		if in.Country != nil && in.Country.ID != c.ID {
			return in, kg.Errorf(kg.CodeBadUserInput, "situation: %s is the NHRI of %s, not of %s", in.NHRI.ID, c.Name, in.Country.Name)
		}
		in.Country = c
	}

	member, err := s.Neighbors(ctx, []string{in.Country.ID}, kg.NeighborQuery{
		Direction: kg.Outgoing, Types: []kg.RelType{kg.RelMemberStateOf, kg.RelPartyTo},
	})
	if err != nil {
		return in, err
	}
	for _, nb := range member[0] {
		in.Memberships = append(in.Memberships, Membership{Of: nb.Node, Citations: nb.Edge.Citations})
	}
	if in.NHRI != nil {
		networks, err := s.Neighbors(ctx, []string{in.NHRI.ID}, kg.NeighborQuery{Direction: kg.Outgoing, Types: []kg.RelType{kg.RelMemberOf}})
		if err != nil {
			return in, err
		}
		for _, nb := range networks[0] {
			in.Memberships = append(in.Memberships, Membership{Of: nb.Node, Citations: nb.Edge.Citations, ByNHRI: true})
		}
	} else if in.CountryNHRIs, err = countryNHRIs(ctx, s, in.Country.ID); err != nil {
		return in, err
	}

	reaches := make([]any, len(Reaches))
	for i, r := range Reaches {
		reaches[i] = r
	}
	var channels []*kg.Node
	for _, k := range []kg.Kind{kg.KindMechanism, kg.KindNetwork} {
		found, err := kg.FindAll(ctx, s, kg.FindQuery{Kind: k, OrderBy: kg.OrderByID,
			Props: []kg.PropFilter{{Key: kg.PropActsIn, Values: reaches}}})
		if err != nil {
			return in, err
		}
		channels = append(channels, found...)
	}
	if len(channels) == 0 {
		return in, nil
	}
	chIDs := make([]string, len(channels))
	for j, c := range channels {
		chIDs[j] = c.ID
	}
	reach, err := s.Neighbors(ctx, chIDs, kg.NeighborQuery{Direction: kg.Outgoing, Types: []kg.RelType{kg.RelCovers, kg.RelOutsideOf}})
	if err != nil {
		return in, err
	}
	var orgs []string
	seen := map[string]bool{}
	for j, c := range channels {
		ch := Channel{Node: c}
		for _, nb := range reach[j] {
			switch {
			case nb.Edge.Type == kg.RelOutsideOf:
				ch.OutsideOf = append(ch.OutsideOf, nb.Node)
				ch.OutsideCitations = append(ch.OutsideCitations, nb.Edge.Citations...)
			case nb.Node.Kind == kg.KindCountry:
				ch.CoversCountries = append(ch.CoversCountries, CountryCover{Country: nb.Node, Citations: nb.Edge.Citations})
				continue
			default:
				ch.Covers = append(ch.Covers, nb.Node)
				ch.CoverCitations = append(ch.CoverCitations, nb.Edge.Citations...)
			}
			if !seen[nb.Node.ID] {
				seen[nb.Node.ID] = true
				orgs = append(orgs, nb.Node.ID)
			}
		}
		in.Channels = append(in.Channels, ch)
		if c.Props.String(kg.PropActsIn) == ActsMembers && !seen[c.ID] {
			seen[c.ID] = true
			orgs = append(orgs, c.ID)
		}
	}
	if len(orgs) > 0 {
		members, err := s.Neighbors(ctx, orgs, kg.NeighborQuery{
			Direction: kg.Incoming, Types: []kg.RelType{kg.RelMemberStateOf, kg.RelPartyTo, kg.RelMemberOf},
		})
		if err != nil {
			return in, err
		}
		for j, id := range orgs {
			in.Recorded[id] = len(members[j])
		}
	}
	return in, nil
}

// countryNHRIs reads the NHRIs recorded in a country and their networks.
func countryNHRIs(ctx context.Context, s kg.Store, countryID string) ([]CountryNHRI, error) {
	located, err := s.Neighbors(ctx, []string{countryID}, kg.NeighborQuery{
		Direction: kg.Incoming, Types: []kg.RelType{kg.RelLocatedIn}, Kinds: []kg.Kind{kg.KindNHRI},
	})
	if err != nil || len(located[0]) == 0 {
		return nil, err
	}
	ids := make([]string, len(located[0]))
	for i, nb := range located[0] {
		ids[i] = nb.Node.ID
	}
	networks, err := s.Neighbors(ctx, ids, kg.NeighborQuery{Direction: kg.Outgoing, Types: []kg.RelType{kg.RelMemberOf}})
	if err != nil {
		return nil, err
	}
	out := make([]CountryNHRI, len(ids))
	for i, nb := range located[0] {
		out[i].NHRI = nb.Node
		for _, m := range networks[i] {
			out[i].Networks = append(out[i].Networks, m.Node)
		}
	}
	return out, nil
}
