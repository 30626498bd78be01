package resolvers

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"marrakechgraph/graph/model"
	"marrakechgraph/kg"
)

// supportChannelsOf is the page of a commitment's support channels that the
// arguments of Commitment.supportChannelsConnection ask for: those the
// filter keeps, in the order asked (the list's own when omitted), cut from
// the list read whole (a commitment has tens of channels, not thousands).
func (r *Resolver) supportChannelsOf(ctx context.Context, commitment string, pg paging, f *model.SupportChannelFilter, orders []*model.SupportChannelOrder) (*kg.SupportChannelConnection, error) {
	sel, err := buildOnce(r.loadersFor(ctx), "support channels", struct {
		First, Last   *int
		After, Before *string
		Filter        *model.SupportChannelFilter
		Orders        []*model.SupportChannelOrder
	}{pg.first, pg.last, pg.after, pg.before, f, orders}, func() (channelSelection, error) {
		return r.channelSelection(ctx, pg, f, orders)
	})
	if err != nil {
		return nil, err
	}
	chs, err := r.loadersFor(ctx).SupportChannelsOf(ctx, commitment)
	if err != nil {
		return nil, err
	}
	kept := make([]kg.SupportChannel, 0, len(chs))
	for _, ch := range chs {
		if sel.keep(&ch) {
			kept = append(kept, ch)
		}
	}
	if sel.compare != nil {
		slices.SortStableFunc(kept, sel.compare)
	}
	return kg.PageSupportChannels(kept, sel.order, sel.paging)
}

// channelSelection is what the arguments of supportChannelsConnection
// make, checked once for every commitment of the operation.
type channelSelection struct {
	paging  kg.ListPaging
	keep    func(*kg.SupportChannel) bool
	order   string
	compare func(a, b kg.SupportChannel) int
}

func (r *Resolver) channelSelection(ctx context.Context, pg paging, f *model.SupportChannelFilter, orders []*model.SupportChannelOrder) (channelSelection, error) {
	lp, err := pg.list(defaultPageSize)
	if err != nil {
		return channelSelection{}, err
	}
	keep, err := r.channelFilter(ctx, f)
	if err != nil {
		return channelSelection{}, err
	}
	name, compare, err := channelOrder(orders)
	if err != nil {
		return channelSelection{}, err
	}
	return channelSelection{paging: lp, keep: keep, order: name, compare: compare}, nil
}

// list turns paging arguments into the paging of a list read whole,
// refusing what the store's queries refuse.
func (pg paging) list(def int) (kg.ListPaging, error) {
	var q kg.FindQuery
	if err := pg.apply(&q, def); err != nil {
		return kg.ListPaging{}, err
	}
	switch {
	case q.First != 0 && q.Last != 0:
		return kg.ListPaging{}, kg.Errorf(kg.CodeBadUserInput, "first and last cannot be used together")
	case q.Last != 0 && q.After != "":
		return kg.ListPaging{}, kg.Errorf(kg.CodeBadUserInput, "after goes with first, not with last")
	}
	return kg.ListPaging{First: q.First, After: q.After, Last: q.Last, Before: q.Before}, nil
}

// channelFilter turns a support channel filter into a test of a channel.
func (r *Resolver) channelFilter(ctx context.Context, f *model.SupportChannelFilter) (func(*kg.SupportChannel) bool, error) {
	if f == nil {
		return func(*kg.SupportChannel) bool { return true }, nil
	}
	fields, err := r.channelFields(ctx, "filter", f)
	if err != nil {
		return nil, err
	}
	nots, anys, err := notAndOr(f.Not, f.Or,
		func(f *model.SupportChannelFilter) bool { return f.Not != nil || f.Or != nil },
		func(arg string, f *model.SupportChannelFilter) (func(*kg.SupportChannel) bool, error) {
			if len(f.Role) == 0 && len(f.Kind) == 0 && len(f.Relation) == 0 && f.Action == nil && f.Text == nil {
				return nil, kg.Errorf(kg.CodeBadUserInput, "%s: an empty filter", arg)
			}
			return r.channelFields(ctx, arg, f)
		})
	if err != nil {
		return nil, err
	}
	return func(ch *kg.SupportChannel) bool {
		keeps := func(m func(*kg.SupportChannel) bool) bool { return m(ch) }
		return fields(ch) && !slices.ContainsFunc(nots, keeps) && (len(anys) == 0 || slices.ContainsFunc(anys, keeps))
	}, nil
}

// channelFields turns the fields of a support channel filter but its `not`
// and `or` into a test of a channel.
func (r *Resolver) channelFields(ctx context.Context, arg string, f *model.SupportChannelFilter) (func(*kg.SupportChannel) bool, error) {
	if f.Action != nil {
		if err := r.checkRef(ctx, arg+".action", *f.Action, kg.KindAction); err != nil {
			return nil, err
		}
	}
	var terms []string
	if f.Text != nil {
		terms = kg.SearchTerms(*f.Text)
	}
	return func(ch *kg.SupportChannel) bool {
		if ch.Channel == nil {
			return false
		}
		return (len(f.Role) == 0 || slices.Contains(f.Role, ch.Role)) &&
			(len(f.Kind) == 0 || slices.Contains(f.Kind, ch.Channel.Node().Kind)) &&
			(len(f.Relation) == 0 || slices.ContainsFunc(ch.Relations, func(t kg.RelType) bool { return slices.Contains(f.Relation, t) })) &&
			(f.Action == nil || slices.ContainsFunc(ch.Via, func(a kg.Action) bool { return a.ID() == *f.Action })) &&
			kg.MatchesText(ch.Channel.Node(), terms)
	}, nil
}

// channelRoleRank is the place of each role in a commitment's list.
var channelRoleRank = map[kg.ChannelRole]int{kg.RoleActs: 0, kg.RoleProcess: 1, kg.RoleBeneficiary: 2}

// channelOrder is the name of an order of support channels (cursors carry
// it, so that a cursor of another order is refused) and its comparison;
// nil, for the list's own order, when orders is empty.
func channelOrder(orders []*model.SupportChannelOrder) (string, func(a, b kg.SupportChannel) int, error) {
	if len(orders) == 0 {
		return kg.SupportChannelsOrder, nil, nil
	}
	if len(orders) > kg.MaxOrderKeys {
		return "", nil, kg.Errorf(kg.CodeBadUserInput, "orderBy: at most %d keys, got %d", kg.MaxOrderKeys, len(orders))
	}
	names := make([]string, len(orders))
	keys := make([]func(a, b kg.SupportChannel) int, len(orders))
	for i, o := range orders {
		names[i] = string(o.Field) + ":" + string(o.Direction)
		var key func(a, b kg.SupportChannel) int
		switch o.Field {
		case model.SupportChannelOrderFieldRole:
			key = func(a, b kg.SupportChannel) int { return cmp.Compare(channelRoleRank[a.Role], channelRoleRank[b.Role]) }
		case model.SupportChannelOrderFieldActionCount:
			key = func(a, b kg.SupportChannel) int { return cmp.Compare(len(a.Via), len(b.Via)) }
		case model.SupportChannelOrderFieldName:
			key = func(a, b kg.SupportChannel) int { return strings.Compare(channelName(a), channelName(b)) }
		case model.SupportChannelOrderFieldID:
			key = func(a, b kg.SupportChannel) int { return strings.Compare(channelID(a), channelID(b)) }
		default:
			return "", nil, kg.Errorf(kg.CodeBadUserInput, "orderBy: unknown field %q", o.Field)
		}
		if o.Direction == model.OrderDirectionDesc {
			asc := key
			key = func(a, b kg.SupportChannel) int { return asc(b, a) }
		}
		keys[i] = key
	}
	desc := orders[len(orders)-1].Direction == model.OrderDirectionDesc
	return kg.SupportChannelsOrder + ":" + strings.Join(names, ","), func(a, b kg.SupportChannel) int {
		for _, key := range keys {
			if c := key(a, b); c != 0 {
				return c
			}
		}
		if desc {
			return strings.Compare(channelID(b), channelID(a))
		}
		return strings.Compare(channelID(a), channelID(b))
	}, nil
}

func channelName(ch kg.SupportChannel) string {
	if ch.Channel == nil {
		return ""
	}
	return ch.Channel.Name()
}

func channelID(ch kg.SupportChannel) string {
	if ch.Channel == nil {
		return ""
	}
	return ch.Channel.ID()
}
