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

// Case is a situation and where it happens: what an activation plan is
// asked for.
type Case struct {
	Where
	Situation
}

// Reader is what the advisor reads of a kg.Store.
type Reader interface {
	Nodes(ctx context.Context, ids []string) ([]*kg.Node, error)
	Neighbors(ctx context.Context, ids []string, q kg.NeighborQuery) ([][]kg.Neighbor, error)
	kg.Finder
}

// Advisor drafts activation plans from what a store records.
type Advisor struct {
	Store Reader
}

// Plan drafts the activation plan for a situation: what Gather reads,
// ranked by Advise.
func (a *Advisor) Plan(ctx context.Context, where Where, sit Situation) (*Plan, error) {
	in, err := Gather(ctx, a.Store, where, sit)
	if err != nil {
		return nil, err
	}
	return Advise(in)
}

// Gather reads from a store what Advise needs for a situation, in a
// handful of batched calls.
func Gather(ctx context.Context, s Reader, where Where, sit Situation) (Input, error) {
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
		nhri, ok := viewOf[kg.NHRI](nodes[i])
		if !ok {
			return in, kg.Errorf(kg.CodeBadUserInput, "situation.nhri: %q is not the ID of an NHRI", where.NHRI)
		}
		in.NHRI = &nhri
		i++
	}
	var country *kg.Country
	if code != "" {
		c, ok := viewOf[kg.Country](nodes[i])
		if !ok {
			return in, kg.Errorf(kg.CodeBadUserInput, "situation.country: %q is not the ISO 3166-1 alpha-2 code of a UN member or observer State", where.Country)
		}
		country = &c
		i++
	}
	for j, n := range nodes[i:] {
		t, ok := viewOf[kg.ThreatType](n)
		if !ok {
			return in, kg.Errorf(kg.CodeBadUserInput, "situation.threats: %q is not the ID of a ThreatType", sit.Threats[j])
		}
		in.Threats = append(in.Threats, t)
	}

	if in.NHRI != nil {
		located, err := s.Neighbors(ctx, []string{in.NHRI.ID()}, kg.NeighborQuery{
			Direction: kg.Outgoing, Types: []kg.RelType{kg.RelLocatedIn}, Kinds: []kg.Kind{kg.KindCountry},
		})
		if err != nil {
			return in, err
		}
		c, ok := viewOf[kg.Country](firstNode(located[0]))
		if !ok {
			return in, kg.Errorf(kg.CodeBadUserInput, "situation.nhri: the country of %s is not recorded; give situation.country", in.NHRI.ID())
		}
		if country != nil && country.ID() != c.ID() {
			return in, kg.Errorf(kg.CodeBadUserInput, "situation: %s is the NHRI of %s, not of %s", in.NHRI.ID(), c.Name(), country.Name())
		}
		country = &c
	}
	in.Country = *country

	member, err := s.Neighbors(ctx, []string{in.Country.ID()}, kg.NeighborQuery{
		Direction: kg.Outgoing, Types: []kg.RelType{kg.RelMemberStateOf, kg.RelPartyTo},
	})
	if err != nil {
		return in, err
	}
	for _, nb := range member[0] {
		in.Memberships = append(in.Memberships, Membership{Of: nb.Node, Citations: nb.Edge.Citations})
	}
	if in.NHRI != nil {
		networks, err := s.Neighbors(ctx, []string{in.NHRI.ID()}, kg.NeighborQuery{Direction: kg.Outgoing, Types: []kg.RelType{kg.RelMemberOf}})
		if err != nil {
			return in, err
		}
		for _, nb := range networks[0] {
			in.Memberships = append(in.Memberships, Membership{Of: nb.Node, Citations: nb.Edge.Citations, ByNHRI: true})
		}
	} else if in.CountryNHRIs, err = countryNHRIs(ctx, s, in.Country.ID()); err != nil {
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
		ch, _ := NewChannel(c, reach[j])
		for _, nb := range reach[j] {
			// A country covered on its own needs no membership list.
			if nb.Node.Kind != kg.KindCountry && !seen[nb.Node.ID] {
				seen[nb.Node.ID] = true
				orgs = append(orgs, nb.Node.ID)
			}
		}
		in.Channels = append(in.Channels, ch)
		if ch.Eligibility.ActsIn() == ActsMembers && !seen[c.ID] {
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
func countryNHRIs(ctx context.Context, s kg.NeighborReader, countryID string) ([]CountryNHRI, error) {
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
		out[i].NHRI, _ = viewOf[kg.NHRI](nb.Node)
		for _, m := range networks[i] {
			out[i].Networks = append(out[i].Networks, m.Node)
		}
	}
	return out, nil
}

// viewOf is the view of n as T, and whether n is one; n may be nil.
func viewOf[T kg.Entity](n *kg.Node) (T, bool) {
	if n == nil {
		var zero T
		return zero, false
	}
	return kg.ViewAs[T](n)
}

func firstNode(ns []kg.Neighbor) *kg.Node {
	if len(ns) == 0 {
		return nil
	}
	return ns[0].Node
}
