package kg

// Connection is a page of views, as the schema's connections show it: the
// views of the page's nodes with their cursors, the total count, and the
// page's state.
type Connection[T any] struct {
	page  *Page
	edges []*PageEdge[T]
}

// PageEdge is a view in a page, with its cursor.
type PageEdge[T any] struct {
	Cursor string
	Node   *T
}

// NewConnection is the connection of a page (read with err), each node
// shown by view.
func NewConnection[T any](p *Page, err error, view func(*Node) T) (*Connection[T], error) {
	if err != nil {
		return nil, err
	}
	// Four allocations, whatever the size of the page.
	views, edges := make([]T, len(p.Nodes)), make([]PageEdge[T], len(p.Nodes))
	c := &Connection[T]{page: p, edges: make([]*PageEdge[T], len(p.Nodes))}
	for i, n := range p.Nodes {
		views[i] = view(n)
		edges[i] = PageEdge[T]{Cursor: p.Cursors[i], Node: &views[i]}
		c.edges[i] = &edges[i]
	}
	return c, nil
}

// Connect is the connection of a page of entities of one kind (read with
// err), each shown by its typed view.
func Connect[T Entity](p *Page, err error) (*Connection[T], error) {
	return NewConnection(p, err, func(n *Node) T { v, _ := ViewAs[T](n); return v })
}

// TotalCount counts every match, on every page.
func (c *Connection[T]) TotalCount() int { return c.page.TotalCount }

// Edges are the page's views with their cursors.
func (c *Connection[T]) Edges() []*PageEdge[T] { return c.edges }

// Nodes are the page's views, without their cursors.
func (c *Connection[T]) Nodes() []*T {
	out := make([]*T, len(c.edges))
	for i, e := range c.edges {
		out[i] = e.Node
	}
	return out
}

// PageInfo is the page's state.
func (c *Connection[T]) PageInfo() *Page { return c.page }

// The connections of the schema.
type (
	ActionConnection          = Connection[Action]
	ActionEdge                = PageEdge[Action]
	MechanismConnection       = Connection[Mechanism]
	MechanismEdge             = PageEdge[Mechanism]
	NHRIConnection            = Connection[NHRI]
	NHRIEdge                  = PageEdge[NHRI]
	CountryConnection         = Connection[Country]
	CountryEdge               = PageEdge[Country]
	ObjectiveConnection       = Connection[Objective]
	ObjectiveEdge             = PageEdge[Objective]
	CommitmentConnection      = Connection[Commitment]
	CommitmentEdge            = PageEdge[Commitment]
	NetworkConnection         = Connection[Network]
	NetworkEdge               = PageEdge[Network]
	InstrumentConnection      = Connection[Instrument]
	InstrumentEdge            = PageEdge[Instrument]
	RiskGroupConnection       = Connection[RiskGroup]
	RiskGroupEdge             = PageEdge[RiskGroup]
	ThreatTypeConnection      = Connection[ThreatType]
	ThreatTypeEdge            = PageEdge[ThreatType]
	PerpetratorTypeConnection = Connection[PerpetratorType]
	PerpetratorTypeEdge       = PageEdge[PerpetratorType]
	SDGTargetConnection       = Connection[SDGTarget]
	SDGTargetEdge             = PageEdge[SDGTarget]
	StrategicGoalConnection   = Connection[StrategicGoal]
	StrategicGoalEdge         = PageEdge[StrategicGoal]
	SurveyConnection          = Connection[Survey]
	SurveyEdge                = PageEdge[Survey]
)
