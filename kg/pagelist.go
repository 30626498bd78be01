package kg

// PageNodes is one page of a list read whole: nodes are every match of q, in
// q's order (as Find orders them), and the page holds the q.First of them
// that come after q.After, with their cursors. q must be valid (Validate).
func PageNodes(nodes []*Node, q FindQuery) *Page {
	start := 0
	if q.After != "" {
		if c, err := DecodeCursor(q.After, q.OrderBy, q.Desc); err == nil {
			for start < len(nodes) && !c.After(nodes[start]) {
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
		HasPreviousPage: q.After != "",
	}
	for i, n := range p.Nodes {
		p.Cursors[i] = CursorFor(n, q.OrderBy, q.Desc)
	}
	return p
}

// ListCursorOrder is the ordering a cursor into a list of support channels
// names: their position in the list.
const ListCursorOrder = "position"

// SupportChannelConnection is a page of a commitment's support channels.
type SupportChannelConnection = Connection[SupportChannel]

// SupportChannelEdge is a support channel in a page.
type SupportChannelEdge = PageEdge[SupportChannel]

// PageSupportChannels is the page of a commitment's support channels (all
// of them, in their order) that holds the first of them after the cursor
// after (none when empty). A cursor names the channel and its position: the
// page starts after the channel when the list still holds it, after the
// position otherwise.
func PageSupportChannels(chs []SupportChannel, first int, after string) (*SupportChannelConnection, error) {
	start := 0
	if after != "" {
		c, err := DecodeCursor(after, ListCursorOrder, false)
		if err != nil {
			return nil, err
		}
		pos, ok := c.Value.(int64)
		if !ok || pos < 0 {
			return nil, Errorf(CodeBadUserInput, "malformed cursor %q: use a cursor returned by the same list", Excerpt(after, 40))
		}
		start = int(min(pos+1, int64(len(chs))))
		for i, ch := range chs {
			if ch.Channel != nil && ch.Channel.ID() == c.ID {
				start = i + 1
				break
			}
		}
	}
	end := min(start+max(first, 0), len(chs))
	p := &Page{
		Cursors:         make([]string, end-start),
		TotalCount:      len(chs),
		HasNextPage:     end < len(chs),
		HasPreviousPage: after != "",
	}
	conn := &Connection[SupportChannel]{page: p, edges: make([]*PageEdge[SupportChannel], end-start)}
	for i := range end - start {
		ch := chs[start+i]
		id := ""
		if ch.Channel != nil {
			id = ch.Channel.ID()
		}
		p.Cursors[i] = Cursor{OrderBy: ListCursorOrder, Value: int64(start + i), ID: id}.Encode()
		conn.edges[i] = &PageEdge[SupportChannel]{Cursor: p.Cursors[i], Node: &ch}
	}
	return conn, nil
}
