package kg

import (
	"context"
	"slices"
	"strings"
)

// NeighborReader is the part of a Store that graph walks need; per-request
// loaders implement it too.
type NeighborReader interface {
	Neighbors(ctx context.Context, ids []string, q NeighborQuery) ([][]Neighbor, error)
}

// SupportChannel is a network, mechanism or partner reached from a
// commitment through its actions.
type SupportChannel struct {
	Channel *Node
	// Via lists the actions that lead to the channel, in document order.
	Via []*Node
	// Relations lists the ways the actions reach it (collaboration,
	// engagement, reporting, information), without repetition.
	Relations []RelType
	// Citations are those of the edges from the actions to the channel.
	Citations []Citation
}

// SupportChannels answers "how does each Marrakech commitment map to support
// channels": for each commitment ID, every channel reached from the
// commitment's actions, with the actions that justify it. Channels reached by
// more actions come first, then by name. It costs two batched reads,
// however many commitments it is asked about.
func SupportChannels(ctx context.Context, g NeighborReader, commitmentIDs []string) ([][]SupportChannel, error) {
	actionsOf, err := g.Neighbors(ctx, commitmentIDs, NeighborQuery{
		Direction: Incoming, Types: []RelType{RelImplements}, Kinds: []Kind{KindAction},
	})
	if err != nil {
		return nil, err
	}
	var actionIDs []string
	seen := map[string]bool{}
	for _, ns := range actionsOf {
		for _, n := range ns {
			if !seen[n.Node.ID] {
				seen[n.Node.ID] = true
				actionIDs = append(actionIDs, n.Node.ID)
			}
		}
	}
	channelsOf := map[string][]Neighbor{}
	if len(actionIDs) > 0 {
		res, err := g.Neighbors(ctx, actionIDs, NeighborQuery{
			Direction: Outgoing, Types: ChannelRelTypes, Kinds: ChannelKinds(),
		})
		if err != nil {
			return nil, err
		}
		for i, id := range actionIDs {
			channelsOf[id] = res[i]
		}
	}
	out := make([][]SupportChannel, len(commitmentIDs))
	for i, actions := range actionsOf {
		byID := map[string]*SupportChannel{}
		var order []string
		for _, a := range actions {
			for _, c := range channelsOf[a.Node.ID] {
				sc := byID[c.Node.ID]
				if sc == nil {
					sc = &SupportChannel{Channel: c.Node}
					byID[c.Node.ID] = sc
					order = append(order, c.Node.ID)
				}
				if !slices.ContainsFunc(sc.Via, func(n *Node) bool { return n.ID == a.Node.ID }) {
					sc.Via = append(sc.Via, a.Node)
				}
				if !slices.Contains(sc.Relations, c.Edge.Type) {
					sc.Relations = append(sc.Relations, c.Edge.Type)
				}
				for _, cit := range c.Edge.Citations {
					if !slices.Contains(sc.Citations, cit) {
						sc.Citations = append(sc.Citations, cit)
					}
				}
			}
		}
		list := make([]SupportChannel, 0, len(order))
		for _, id := range order {
			list = append(list, *byID[id])
		}
		slices.SortStableFunc(list, func(a, b SupportChannel) int {
			if len(a.Via) != len(b.Via) {
				return len(b.Via) - len(a.Via)
			}
			if r := strings.Compare(a.Channel.Name, b.Channel.Name); r != 0 {
				return r
			}
			return strings.Compare(a.Channel.ID, b.Channel.ID)
		})
		out[i] = list
	}
	return out, nil
}
