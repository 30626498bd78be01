package kg

// PageNodes is one page of a list read whole: nodes are every match of q, in
// q's order (as Find orders them), and the page holds the q.First of them
// that come after q.After, with their cursors, which are Find's. q must be
// valid (Validate), and its order count nothing (counts are not known
// here).
func PageNodes(nodes []*Node, q FindQuery) *Page {
	orders := q.OrderKeys()
	start := 0
	if q.After != "" {
		if c, err := DecodeKeyCursor(q.After, orders); err == nil {
			for start < len(nodes) && CompareKeyed(OrderValues(nodes[start], orders, nil), nodes[start].ID, c.Values, c.ID, orders) <= 0 {
				start++
			}
		}
	}
	end := min(start+max(q.First, 0), len(nodes))
	p := &Page{
		Nodes:           nodes[start:end],
		Cursors:         make([]string, end-start),
		TotalCount:      len(nodes),
		HasNextPage:     end < len(nodes),
		HasPreviousPage: start > 0,
	}
	for i, n := range p.Nodes {
		p.Cursors[i] = KeyedCursor(OrderValues(n, orders, nil), n.ID, orders)
	}
	return p
}

// Orderings that cursors into lists read whole name: a cursor holds the
// item's ID and its position in the list.
const (
	SupportChannelsOrder = "supportChannels"
	SearchOrder          = "search"
)

// pageList is the page of a list read whole (the IDs of its items, in
// order) that holds the first items after the cursor after (none when
// empty), made for the same ordering: the page starts after the item the
// cursor names when the list still holds it, after its position otherwise.
// It returns the page's first and last positions (end excluded), and the
// page's state with the items' cursors.
func pageList(ids []string, order string, first int, after string) (int, int, *Page, error) {
	start := 0
	if after != "" {
		c, err := DecodeCursor(after, order, false)
		if err != nil {
			return 0, 0, nil, err
		}
		pos, ok := c.Value.(int64)
		if !ok || pos < 0 {
			return 0, 0, nil, Errorf(CodeBadUserInput, "malformed cursor %q: use a cursor returned by the same list", Excerpt(after, 40))
		}
		start = int(min(pos+1, int64(len(ids))))
		for i, id := range ids {
			if id == c.ID {
				start = i + 1
				break
			}
		}
	}
	end := min(start+max(first, 0), len(ids))
	p := &Page{
		Cursors:         make([]string, end-start),
		TotalCount:      len(ids),
		HasNextPage:     end < len(ids),
		HasPreviousPage: after != "",
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
// of them, in their order) that holds the first of them after the cursor
// after (none when empty).
func PageSupportChannels(chs []SupportChannel, first int, after string) (*SupportChannelConnection, error) {
	ids := make([]string, len(chs))
	for i, ch := range chs {
		if ch.Channel != nil {
			ids[i] = ch.Channel.ID()
		}
	}
	start, end, p, err := pageList(ids, SupportChannelsOrder, first, after)
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
// as RankSearch orders them) that holds the first results after the cursor
// after (none when empty).
func PageSearch(ranked []*Node, first int, after string) (*SearchConnection, error) {
	ids := make([]string, len(ranked))
	for i, n := range ranked {
		ids[i] = n.ID
	}
	start, end, p, err := pageList(ids, SearchOrder, first, after)
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

// PageInfo is the page's state.
func (c *SearchConnection) PageInfo() *Page { return c.page }
