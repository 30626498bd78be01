package kg

import "context"

// Channel is a support channel that can record its eligibility: a
// Mechanism or a Network.
type Channel interface {
	Entity
	// Eligibility is nil when none is recorded.
	Eligibility() *Eligibility
}

// ChannelOf returns the view of a mechanism or network whose COVERS and
// OUTSIDE_OF neighbours have already been read (reach), so that its
// eligibility does not read them again; ok is false for other kinds.
func ChannelOf(n *Node, reach []Neighbor) (c Channel, ok bool) {
	switch n.Kind {
	case KindMechanism:
		return Mechanism{entity: entity{n}, reach: &reach}, true
	case KindNetwork:
		return Network{entity: entity{n}, reach: &reach}, true
	}
	return nil, false
}

// Eligibility is when, where and for whom a support channel can act, and
// how to activate it: the channel's eligibility properties (PropActsIn and
// those after it) and its COVERS and OUTSIDE_OF relationships. The values
// are those of the schema's enums Reach, Beneficiary, Trigger and Remedy.
type Eligibility struct {
	n *Node
	// reach holds the COVERS and OUTSIDE_OF neighbours when already read.
	reach *[]Neighbor
}

// eligibilityOf is the eligibility recorded on n, or nil.
func eligibilityOf(n *Node, reach *[]Neighbor) *Eligibility {
	if n.Props.String(PropActsIn) == "" {
		return nil
	}
	return &Eligibility{n: n, reach: reach}
}

// ActsIn is where the channel acts: GLOBAL, COVERED, MEMBERS, OUTSIDE or REGION.
func (e *Eligibility) ActsIn() string { return e.n.Props.String(PropActsIn) }

// Serves lists whom it serves.
func (e *Eligibility) Serves() []string { return e.n.Props.Strings(PropServes) }

// Triggers lists the kinds of situation it acts on.
func (e *Eligibility) Triggers() []string { return e.n.Props.Strings(PropTriggers) }

// Remedies lists what it can do.
func (e *Eligibility) Remedies() []string { return e.n.Props.Strings(PropRemedies) }

// RequiresConsent is whether it needs the victims' informed consent, or nil
// when that is not recorded.
func (e *Eligibility) RequiresConsent() *bool {
	b, ok := e.n.Props.Bool(PropRequiresConsent)
	if !ok {
		return nil
	}
	return &b
}

// HowToActivate is its procedure, or nil.
func (e *Eligibility) HowToActivate() *string { return e.n.Props.optString(PropHowToActivate) }

// ContactPage is the official page to start from, or nil.
func (e *Eligibility) ContactPage() *string { return e.n.Props.optString(PropContactPage) }

// Covers are the organisations, treaties and countries it can act in.
func (e *Eligibility) Covers(ctx context.Context) ([]Entity, error) {
	return e.reached(ctx, RelCovers)
}

// OutsideOf are the organisations in whose member States it does not act.
func (e *Eligibility) OutsideOf(ctx context.Context) ([]Entity, error) {
	return e.reached(ctx, RelOutsideOf)
}

// reachQuery reads a channel's COVERS and OUTSIDE_OF neighbours at once.
var reachQuery = NeighborQuery{Direction: Outgoing, Types: []RelType{RelCovers, RelOutsideOf}, Kinds: allKinds}

// reached returns the public entities the channel reaches by edges of type
// t, in canonical order.
func (e *Eligibility) reached(ctx context.Context, t RelType) ([]Entity, error) {
	var ns []Neighbor
	if e.reach != nil {
		ns = *e.reach
	} else {
		g, err := graphOf(ctx)
		if err != nil {
			return nil, err
		}
		if ns, err = g.NeighborsOf(ctx, e.n.ID, reachQuery); err != nil {
			return nil, err
		}
	}
	out := []Entity{}
	for _, nb := range ns {
		if v := View(nb.Node); v != nil && nb.Edge.Type == t {
			out = append(out, v)
		}
	}
	return out, nil
}
