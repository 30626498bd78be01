package kg

import (
	"cmp"
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
	Channel Entity
	// Via lists the actions that lead to the channel, in document order.
	Via []Action
	// Relations lists the ways the actions reach it (collaboration,
	// engagement, reporting, information), without repetition.
	Relations []RelType
	// Citations are those of the edges from the actions to the channel.
	Citations []Citation
	// Role says what the channel is for the commitment: a body that can act,
	// a process or partner the work runs through, or those it serves.
	Role ChannelRole
}

// ChannelRole groups a commitment's support channels.
type ChannelRole string

// The roles of a support channel, in the order a commitment lists them.
const (
	// RoleActs: an Objective 2 action (support and protect NHRIs under
	// threat) that serves the commitment reports to, informs on, engages or
	// strengthens the channel: Head Office can turn to it.
	RoleActs ChannelRole = "ACTS"
	// RoleProcess: a process, forum or partner the commitment's actions run
	// through (the UPR, treaty bodies, UN Women in a guideline...), which the
	// GAP does not turn to for an NHRI under threat under this commitment.
	RoleProcess ChannelRole = "PROCESS"
	// RoleBeneficiary: defenders and civil society (category NGO) that the
	// commitment's actions work for, when no Objective 2 action turns to them.
	RoleBeneficiary ChannelRole = "BENEFICIARY"
)

// ObjectiveUnderThreat is the GAP's Objective 2, "To support and protect
// NHRIs as human rights defenders (when under threat)".
const ObjectiveUnderThreat = "objective:2"

// CommitmentRelTypes are the relationships by which an action serves a
// commitment: IMPLEMENTS (Objective 1, listed under the commitment) and
// ADVANCES (Objectives 2 and 3, cited to the GAP's words).
var CommitmentRelTypes = []RelType{RelImplements, RelAdvances}

// RoleOf decides a channel's role for a commitment: it acts if an
// Objective 2 action serving the commitment reaches it; otherwise defenders
// and civil society (category NGO) are beneficiaries, and the rest are
// processes. viaUnderThreat says whether any of the actions that reach it
// are under Objective 2.
func RoleOf(channel *Node, viaUnderThreat bool) ChannelRole {
	switch {
	case viaUnderThreat:
		return RoleActs
	case channel.Kind == KindMechanism && channel.Props.String(PropCategory) == "NGO":
		return RoleBeneficiary
	default:
		return RoleProcess
	}
}

func (r ChannelRole) rank() int {
	switch r {
	case RoleActs:
		return 0
	case RoleProcess:
		return 1
	default:
		return 2
	}
}

// SupportChannels answers "how does each Marrakech commitment map to support
// channels": for each commitment ID, every channel reached from the actions
// that serve the commitment (IMPLEMENTS or ADVANCES), with the actions that
// justify it and its role. Channels that act come first, then processes, then
// beneficiaries; within a role, channels reached by more actions come first,
// then by name. It costs three batched reads, however many commitments it is
// asked about.
func SupportChannels(ctx context.Context, g NeighborReader, commitmentIDs []string) ([][]SupportChannel, error) {
	actionsOf, err := g.Neighbors(ctx, commitmentIDs, NeighborQuery{
		Direction: Incoming, Types: CommitmentRelTypes, Kinds: []Kind{KindAction},
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
	underThreat := map[string]bool{}
	if len(actionIDs) > 0 {
		res, err := g.Neighbors(ctx, actionIDs, NeighborQuery{
			Direction: Outgoing, Types: ChannelRelTypes, Kinds: ChannelKinds(),
		})
		if err != nil {
			return nil, err
		}
		objs, err := g.Neighbors(ctx, actionIDs, NeighborQuery{
			Direction: Outgoing, Types: []RelType{RelUnderObjective}, Kinds: []Kind{KindObjective},
		})
		if err != nil {
			return nil, err
		}
		for i, id := range actionIDs {
			channelsOf[id] = res[i]
			underThreat[id] = slices.ContainsFunc(objs[i], func(n Neighbor) bool { return n.Node.ID == ObjectiveUnderThreat })
		}
	}
	out := make([][]SupportChannel, len(commitmentIDs))
	for i, actions := range actionsOf {
		byID := map[string]*walked{}
		var order []string
		for _, a := range actions {
			for _, c := range channelsOf[a.Node.ID] {
				sc := byID[c.Node.ID]
				if sc == nil {
					sc = &walked{channel: c.Node}
					byID[c.Node.ID] = sc
					order = append(order, c.Node.ID)
				}
				if !slices.ContainsFunc(sc.via, func(n *Node) bool { return n.ID == a.Node.ID }) {
					sc.via = append(sc.via, a.Node)
				}
				if underThreat[a.Node.ID] {
					sc.Role = RoleActs
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
		list := make([]*walked, 0, len(order))
		for _, id := range order {
			sc := byID[id]
			sc.Role = RoleOf(sc.channel, sc.Role == RoleActs)
			slices.SortStableFunc(sc.via, func(a, b *Node) int { return cmpSeq(a, b) })
			list = append(list, sc)
		}
		slices.SortStableFunc(list, func(a, b *walked) int {
			if ra, rb := a.Role.rank(), b.Role.rank(); ra != rb {
				return ra - rb
			}
			if len(a.via) != len(b.via) {
				return len(b.via) - len(a.via)
			}
			if r := strings.Compare(a.channel.Name, b.channel.Name); r != 0 {
				return r
			}
			return strings.Compare(a.channel.ID, b.channel.ID)
		})
		out[i] = make([]SupportChannel, len(list))
		for j, sc := range list {
			sc.Channel, sc.Via = View(sc.channel), Views[Action](sc.via)
			out[i][j] = sc.SupportChannel
		}
	}
	return out, nil
}

// walked is a support channel as the walk finds it: its node, and the
// nodes of the actions that reach it.
type walked struct {
	SupportChannel
	channel *Node
	via     []*Node
}

// cmpSeq orders nodes by document order (PropSeq, unset last), then by ID.
func cmpSeq(a, b *Node) int {
	as, aok := a.Props.Int(PropSeq)
	bs, bok := b.Props.Int(PropSeq)
	switch {
	case aok && bok && as != bs:
		return cmp.Compare(as, bs)
	case aok && !bok:
		return -1
	case !aok && bok:
		return 1
	}
	return strings.Compare(a.ID, b.ID)
}
