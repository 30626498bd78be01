package kg

import "slices"

// PageNodes is one page of a list read whole: nodes are every match of q, in
// q's order (as Find orders them), with their cursors (as Find made them),
// and the page holds the q.First of them that come after q.After, or the
// q.Last that come before q.Before. q must be valid (Validate).
func PageNodes(nodes []*Node, cursors []string, q FindQuery) *Page {
	orders := q.OrderKeys()
	// before counts the nodes that come before a cursor (or at it, with
	// orEqual): found among the nodes' own cursors when its node is still
	// there, else by comparing the values each node's cursor holds; all of
	// them when the cursor does not decode (the query's check refuses it
	// first).
	before := func(cursor string, orEqual bool) int {
		if i := slices.Index(cursors, cursor); i >= 0 {
			if orEqual {
				return i + 1
			}
			return i
		}
		c, err := DecodeKeyCursor(cursor, orders)
		if err != nil {
			return len(nodes)
		}
		i := 0
		for ; i < len(nodes); i++ {
			at, err := DecodeKeyCursor(cursors[i], orders)
			if err != nil {
				return len(nodes)
			}
			cmp := CompareKeyed(at.Values, at.ID, c.Values, c.ID, orders)
			if cmp > 0 || (cmp == 0 && !orEqual) {
				break
			}
		}
		return i
	}
	var start, end int
	if q.Last > 0 {
		end = len(nodes)
		if q.Before != "" {
			end = before(q.Before, false)
		}
		start = max(end-q.Last, 0)
	} else {
		if q.After != "" {
			start = before(q.After, true)
		}
		end = min(start+max(q.First, 0), len(nodes))
	}
	return &Page{
		Nodes:           nodes[start:end],
		Cursors:         cursors[start:end],
		TotalCount:      len(nodes),
		HasNextPage:     end < len(nodes),
		HasPreviousPage: start > 0,
	}
}

// Orderings that cursors into lists read whole name: a cursor holds the
// item's ID and its position in the list.
const (
	SupportChannelsOrder = "supportChannels"
	SearchOrder          = "search"
)

// ListPaging is how a list read whole is paged: forward, First items
// after the cursor After (from the start when empty), or backward, the Last
// items before the cursor Before (up to the end when empty).
type ListPaging struct {
	First int
	After string
	Last  int
	// Before is a cursor, with Last.
	Before string
}

// pageList is the page of a list read whole (the IDs of its items, in
// order) that pg asks for, with cursors made for the same ordering: a page
// starts after (or ends before) the item a cursor names when the list still
// holds it, its position otherwise. It returns the page's first and last
// positions (end excluded), and the page's state with the items' cursors.
func pageList(ids []string, order string, pg ListPaging) (int, int, *Page, error) {
	// at is the position of a cursor's item.
	at := func(cursor string) (int, error) {
		c, err := DecodeCursor(cursor, order, false)
		if err != nil {
			return 0, err
		}
		pos, ok := c.Value.(int64)
		if !ok || pos < 0 {
			return 0, Errorf(CodeBadUserInput, "malformed cursor %q: use a cursor returned by the same list", Excerpt(cursor, 40))
		}
		if i := slices.Index(ids, c.ID); i >= 0 {
			return i, nil
		}
		return int(min(pos, int64(len(ids)))), nil
	}
	var start, end int
	switch {
	case pg.Last > 0:
		end = len(ids)
		if pg.Before != "" {
			i, err := at(pg.Before)
			if err != nil {
				return 0, 0, nil, err
			}
			end = i
		}
		start = max(end-pg.Last, 0)
	default:
		if pg.After != "" {
			i, err := at(pg.After)
			if err != nil {
				return 0, 0, nil, err
			}
			start = min(i+1, len(ids))
		}
		end = min(start+max(pg.First, 0), len(ids))
	}
	p := &Page{
		Cursors:         make([]string, end-start),
		TotalCount:      len(ids),
		HasNextPage:     end < len(ids),
		HasPreviousPage: start > 0,
	}
	for i := range end - start {
		p.Cursors[i] = Cursor{OrderBy: order, Value: int64(start + i), ID: ids[start+i]}.Encode()
	}
	return start, end, p, nil
}

// SupportChannelConnection is a page of a commitment's support channels.
type SupportChannelConnection = Connection[SupportChannel]

// SupportChannelEdge is a support channel in a page.
type SupportChannelEdge = PageEdge[SupportChannel]

// PageSupportChannels is the page of a commitment's support channels (all
// of them, in the order named order) that pg asks for.
func PageSupportChannels(chs []SupportChannel, order string, pg ListPaging) (*SupportChannelConnection, error) {
	ids := make([]string, len(chs))
	for i, ch := range chs {
		if ch.Channel != nil {
			ids[i] = ch.Channel.ID()
		}
	}
	start, end, p, err := pageList(ids, order, pg)
	if err != nil {
		return nil, err
	}
	page := chs[start:end]
	conn := &Connection[SupportChannel]{page: p, edges: make([]*PageEdge[SupportChannel], len(page))}
	for i := range page {
		conn.edges[i] = &PageEdge[SupportChannel]{Cursor: p.Cursors[i], Node: &page[i]}
	}
	return conn, nil
}

// SearchConnection is a page of the ranking of a search.
type SearchConnection struct {
	page  *Page
	edges []*SearchEdge
}

// SearchEdge is a result of a search in a page, with its cursor.
type SearchEdge struct {
	Cursor string
	Node   Identified
}

// PageSearch is the page of a search's ranking (every match, best first,
// as RankSearch orders them) that pg asks for.
func PageSearch(ranked []*Node, pg ListPaging) (*SearchConnection, error) {
	ids := make([]string, len(ranked))
	for i, n := range ranked {
		ids[i] = n.ID
	}
	start, end, p, err := pageList(ids, SearchOrder, pg)
	if err != nil {
		return nil, err
	}
	c := &SearchConnection{page: p, edges: make([]*SearchEdge, end-start)}
	for i, n := range ranked[start:end] {
		c.edges[i] = &SearchEdge{Cursor: p.Cursors[i], Node: View(n)}
	}
	return c, nil
}

// TotalCount counts every match, on every page.
func (c *SearchConnection) TotalCount() int { return c.page.TotalCount }

// Edges are the page's results with their cursors.
func (c *SearchConnection) Edges() []*SearchEdge { return c.edges }

// Nodes are the page's results, without cursors.
func (c *SearchConnection) Nodes() []Identified {
	out := make([]Identified, len(c.edges))
	for i, e := range c.edges {
		out[i] = e.Node
	}
	return out
}

// PageInfo is the page's state.
func (c *SearchConnection) PageInfo() *Page { return c.page }
