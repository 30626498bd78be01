// Package threatlog is Head Office's record of threats and attacks against
// NHRIs, their members and staff, and of the responses to them (GAP
// Objective 2). It works above kg.Store, so it behaves the same on every
// backend; every write is one atomic, audited change set.
package threatlog

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"marrakechgraph/kg"
)

// Target is whom a threat is directed against (the domain's ThreatTarget).
type Target = kg.ThreatTarget

// Targets.
const (
	TargetInstitution    = kg.TargetInstitution
	TargetMembersOrStaff = kg.TargetMembersOrStaff
)

// Status is where an incident stands.
type Status string

// Statuses.
const (
	StatusOpen       Status = "OPEN"
	StatusResponding Status = "RESPONDING"
	StatusResolved   Status = "RESOLVED"
)

// Incident and response properties.
const (
	PropSummary      = "summary"
	PropOccurredOn   = "occurredOn"
	PropReportedAt   = "reportedAt"
	PropReportedBy   = "reportedBy"
	PropTargets      = "targets"
	PropReprisal     = "reprisalForUNCooperation"
	PropConsent      = "consentToShare"
	PropStatus       = "status"
	PropActivatedOn  = "activatedOn"
	PropActivatedBy  = "activatedBy"
	PropOutcome      = "outcome"
	PropRecordedAt   = "recordedAt"
	maxSummaryLength = 5000
)

// StampLayout is a fixed-width UTC time, so that stamps sort as strings.
const StampLayout = "2006-01-02T15:04:05.000000000Z"

// Report is a threat to document.
type Report struct {
	NHRI                     string
	OccurredOn               *kg.Date
	Threats                  []string
	Perpetrators             []string
	Targets                  []kg.ThreatTarget
	ReprisalForUNCooperation bool
	ConsentToShare           bool
	Summary                  string
}

// Update changes an incident; nil fields stay as they are.
type Update struct {
	ID                       string
	Summary                  *string
	OccurredOn               *kg.Date
	Threats                  []string
	Perpetrators             []string
	Targets                  []kg.ThreatTarget
	ReprisalForUNCooperation *bool
	ConsentToShare           *bool
	Status                   *Status
}

// ResponseInput is an activation to record.
type ResponseInput struct {
	Incident    string
	Channel     string
	ActivatedOn kg.Date
	Outcome     string
}

// Store is what the threat log needs of a kg.Store.
type Store interface {
	Nodes(ctx context.Context, ids []string) ([]*kg.Node, error)
	Neighbors(ctx context.Context, ids []string, q kg.NeighborQuery) ([][]kg.Neighbor, error)
	kg.Finder
	Apply(ctx context.Context, cs kg.ChangeSet) (*kg.ApplyResult, error)
	History(ctx context.Context, id string) ([]kg.AuditEntry, error)
}

// Log is the threat log over a store.
type Log struct {
	Store Store
	// Feed, when set, is told at once of every incident reported through
	// this Log.
	Feed *Feed
	// Now stamps reports and responses and tells dates in the future; nil
	// means time.Now.
	Now func() time.Time

	// facts keeps what the statistics need of every incident, for one
	// store version, brought up to date from the store's change log.
	facts factBook
}

func (l *Log) now() time.Time {
	if l.Now != nil {
		return l.Now().UTC()
	}
	return time.Now().UTC()
}

func newID(kind kg.Kind) (string, error) {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random ID: %w", err)
	}
	ki, _ := kind.Info()
	return ki.IDPrefix + ":" + hex.EncodeToString(b), nil
}

// ref is a field's IDs and the kinds they must name.
type ref struct {
	field string
	ids   []string
	kinds []kg.Kind
}

// check verifies, in one store call, that every ID names a node of its
// field's kinds.
func (l *Log) check(ctx context.Context, refs ...ref) error {
	var ids []string
	for _, r := range refs {
		ids = append(ids, r.ids...)
	}
	if len(ids) == 0 {
		return nil
	}
	nodes, err := l.Store.Nodes(ctx, ids)
	if err != nil {
		return err
	}
	i := 0
	for _, r := range refs {
		for _, id := range r.ids {
			if n := nodes[i]; n == nil || !slices.Contains(r.kinds, n.Kind) {
				return kg.Errorf(kg.CodeBadUserInput, "%s: %q is not the ID of a %s", r.field, id, joinKinds(r.kinds))
			}
			i++
		}
	}
	return nil
}

func joinKinds(ks []kg.Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, " or ")
}

func (l *Log) checkDate(field string, d *kg.Date) error {
	if d == nil {
		return nil
	}
	if _, err := kg.ParseDate(string(*d)); err != nil {
		return kg.Errorf(kg.CodeBadUserInput, "%s: %s", field, kg.ClientMessage(err))
	}
	// A date is "in the future" only when it is after today everywhere.
	if d.Time().After(l.now().Add(14 * time.Hour)) {
		return kg.Errorf(kg.CodeBadUserInput, "%s: %s is in the future", field, *d)
	}
	return nil
}

func checkTargets(ts []Target) ([]string, error) {
	if len(ts) == 0 {
		return nil, kg.Errorf(kg.CodeBadUserInput, "targets: give at least one")
	}
	var out []string
	for _, t := range ts {
		if !t.Valid() {
			return nil, kg.Errorf(kg.CodeBadUserInput, "targets: unknown target %q", t)
		}
		if !slices.Contains(out, string(t)) {
			out = append(out, string(t))
		}
	}
	slices.Sort(out)
	return out, nil
}

func checkSummary(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || len([]rune(s)) > maxSummaryLength {
		return "", kg.Errorf(kg.CodeBadUserInput, "summary: give 1 to %d characters", maxSummaryLength)
	}
	return s, nil
}

func uniqueSorted(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// Report documents a threat: the incident, its links to the NHRI, threat
// types and perpetrators, in one audited change set.
func (l *Log) Report(ctx context.Context, actor string, r Report) (*kg.Node, error) {
	if _, err := checkSummary(r.Summary); err != nil {
		return nil, err
	}
	if _, err := checkTargets(r.Targets); err != nil {
		return nil, err
	}
	if err := l.checkDate("occurredOn", r.OccurredOn); err != nil {
		return nil, err
	}
	threats, perps := uniqueSorted(r.Threats), uniqueSorted(r.Perpetrators)
	if len(threats) == 0 {
		return nil, kg.Errorf(kg.CodeBadUserInput, "threats: give at least one ThreatType ID")
	}
	if err := l.check(ctx,
		ref{"nhri", []string{r.NHRI}, []kg.Kind{kg.KindNHRI}},
		ref{"threats", threats, []kg.Kind{kg.KindThreatType}},
		ref{"perpetrators", perps, []kg.Kind{kg.KindPerpetratorType}},
	); err != nil {
		return nil, err
	}
	id, err := newID(kg.KindThreatIncident)
	if err != nil {
		return nil, err
	}
	n, edges := NewIncidentNode(id, actor, l.now(), r)
	cs := kg.ChangeSet{Actor: actor, Reason: "report threat", PutNodes: []kg.Node{n}, PutEdges: edges}
	res, err := l.Store.Apply(ctx, cs)
	if err != nil {
		return nil, err
	}
	if l.Feed != nil {
		var seq uint64
		for _, e := range res.Entries {
			if e.Subject == id && e.Edge == nil && e.Op == kg.OpCreate {
				seq = e.Seq
			}
		}
		l.Feed.Publish(&n, seq)
	}
	return &n, nil
}

// NewIncidentNode returns an incident as Report stores it, open, reported
// by actor at reportedAt, and the relationships that go with it: to its
// NHRI, threat types and perpetrator types. It does not check r (Report
// does); it only puts it in the stored form: the summary trimmed, targets,
// threats and perpetrators sorted and without duplicates.
func NewIncidentNode(id, actor string, reportedAt time.Time, r Report) (kg.Node, []kg.Edge) {
	reportedAt = reportedAt.UTC()
	targets := make([]string, 0, len(r.Targets))
	for _, t := range r.Targets {
		targets = append(targets, string(t))
	}
	n := kg.Node{ID: id, Kind: kg.KindThreatIncident, Name: "Threat incident", Props: kg.Props{
		PropSummary: strings.TrimSpace(r.Summary), PropReportedAt: reportedAt.Format(StampLayout), PropReportedBy: actor,
		PropTargets: uniqueSorted(targets), PropReprisal: r.ReprisalForUNCooperation, PropConsent: r.ConsentToShare,
		PropStatus: string(StatusOpen),
	}}
	setOccurred(&n, r.OccurredOn, reportedAt)
	edges := append(links(id, uniqueSorted(r.Threats), uniqueSorted(r.Perpetrators)), kg.Edge{Type: kg.RelConcerns, From: id, To: r.NHRI})
	return n, edges
}

func setOccurred(n *kg.Node, d *kg.Date, reported time.Time) {
	if d != nil {
		n.Props[PropOccurredOn] = string(*d)
		n.Props[kg.PropYear] = int64(d.Year())
		return
	}
	delete(n.Props, PropOccurredOn)
	if at, err := time.Parse(StampLayout, n.Props.String(PropReportedAt)); err == nil {
		reported = at
	}
	n.Props[kg.PropYear] = int64(reported.Year())
}

func links(id string, threats, perps []string) []kg.Edge {
	var out []kg.Edge
	for _, t := range threats {
		out = append(out, kg.Edge{Type: kg.RelOfType, From: id, To: t})
	}
	for _, p := range perps {
		out = append(out, kg.Edge{Type: kg.RelAttributedTo, From: id, To: p})
	}
	return out
}

// Incident returns an incident, or NOT_FOUND.
func (l *Log) Incident(ctx context.Context, id string) (*kg.Node, error) {
	nodes, err := l.Store.Nodes(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	if nodes[0] == nil || nodes[0].Kind != kg.KindThreatIncident {
		return nil, kg.Errorf(kg.CodeNotFound, "no incident has the ID %q", id)
	}
	return nodes[0], nil
}

// History returns the audit entries of an incident, oldest first: who
// reported and changed it, when, and what it was before and after.
func (l *Log) History(ctx context.Context, id string) ([]kg.AuditEntry, error) {
	if kind, _ := kg.KindOfID(id); kind != kg.KindThreatIncident {
		return nil, kg.Errorf(kg.CodeBadUserInput, "%q is not the ID of an incident", id)
	}
	return l.Store.History(ctx, id)
}

// maxAttempts bounds the read-modify-write of an incident: how many times
// Update and Respond read it again and retry when another write changed it
// between their read and their write.
const maxAttempts = 5

// retry runs a read-modify-write until it is written without a conflict,
// at most maxAttempts times; then it answers CONFLICT.
func retry(ctx context.Context, id, what string, write func() (*kg.Node, error)) (*kg.Node, error) {
	for attempt := 1; ; attempt++ {
		n, err := write()
		if kg.ErrorCode(err) != kg.CodeConflict {
			return n, err
		}
		if attempt == maxAttempts {
			return nil, fmt.Errorf("%w (%w)", kg.Errorf(kg.CodeConflict,
				"incident %s changed %d times while %s was being written; read it again and retry", id, attempt, what), err)
		}
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("%s of %s: %w", what, id, err)
		}
	}
}

// Update changes an incident in one audited change set. It reads the
// incident, changes it and writes it expecting the version it read; when
// another write changed the incident in between, it starts again from a
// new read (see maxAttempts), so that no change is lost.
func (l *Log) Update(ctx context.Context, actor string, u Update) (*kg.Node, error) {
	return retry(ctx, u.ID, "the update", func() (*kg.Node, error) { return l.update(ctx, actor, u) })
}

func (l *Log) update(ctx context.Context, actor string, u Update) (*kg.Node, error) {
	n, err := l.Incident(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	if u.Summary != nil {
		s, err := checkSummary(*u.Summary)
		if err != nil {
			return nil, err
		}
		n.Props[PropSummary] = s
	}
	if u.OccurredOn != nil {
		if err := l.checkDate("occurredOn", u.OccurredOn); err != nil {
			return nil, err
		}
		setOccurred(n, u.OccurredOn, l.now())
	}
	if u.Targets != nil {
		t, err := checkTargets(u.Targets)
		if err != nil {
			return nil, err
		}
		n.Props[PropTargets] = t
	}
	if u.ReprisalForUNCooperation != nil {
		n.Props[PropReprisal] = *u.ReprisalForUNCooperation
	}
	if u.ConsentToShare != nil {
		n.Props[PropConsent] = *u.ConsentToShare
	}
	if u.Status != nil {
		if !slices.Contains([]Status{StatusOpen, StatusResponding, StatusResolved}, *u.Status) {
			return nil, kg.Errorf(kg.CodeBadUserInput, "status: unknown status %q", *u.Status)
		}
		n.Props[PropStatus] = string(*u.Status)
	}
	cs := kg.ChangeSet{Actor: actor, Reason: "update threat", PutNodes: []kg.Node{*n},
		Expect: []kg.Expectation{{ID: n.ID, Version: n.Version}}}
	if u.Threats != nil || u.Perpetrators != nil {
		cur, err := l.Store.Neighbors(ctx, []string{n.ID}, kg.NeighborQuery{
			Direction: kg.Outgoing, Types: []kg.RelType{kg.RelOfType, kg.RelAttributedTo},
		})
		if err != nil {
			return nil, err
		}
		replace := func(t kg.RelType, want []string, kind kg.Kind, field string) error {
			if want == nil {
				return nil
			}
			want = uniqueSorted(want)
			if t == kg.RelOfType && len(want) == 0 {
				return kg.Errorf(kg.CodeBadUserInput, "threats: give at least one ThreatType ID")
			}
			if err := l.check(ctx, ref{field, want, []kg.Kind{kind}}); err != nil {
				return err
			}
			for _, nb := range cur[0] {
				if nb.Edge.Type == t && !slices.Contains(want, nb.Node.ID) {
					cs.DeleteEdges = append(cs.DeleteEdges, nb.Edge.Key())
				}
			}
			for _, id := range want {
				cs.PutEdges = append(cs.PutEdges, kg.Edge{Type: t, From: n.ID, To: id})
			}
			return nil
		}
		if err := replace(kg.RelOfType, u.Threats, kg.KindThreatType, "threats"); err != nil {
			return nil, err
		}
		if err := replace(kg.RelAttributedTo, u.Perpetrators, kg.KindPerpetratorType, "perpetrators"); err != nil {
			return nil, err
		}
	}
	res, err := l.Store.Apply(ctx, cs)
	if err != nil {
		return nil, err
	}
	n.Version = res.Versions[n.ID]
	return n, nil
}

// Respond records a channel activated for an incident; an open incident
// becomes RESPONDING in the same change set. The response is written
// expecting the version of the incident it read, and read again and
// retried when another write changed the incident in between (see
// maxAttempts).
func (l *Log) Respond(ctx context.Context, actor string, in ResponseInput) (*kg.Node, error) {
	return retry(ctx, in.Incident, "the response", func() (*kg.Node, error) { return l.respond(ctx, actor, in) })
}

func (l *Log) respond(ctx context.Context, actor string, in ResponseInput) (*kg.Node, error) {
	inc, err := l.Incident(ctx, in.Incident)
	if err != nil {
		return nil, err
	}
	if err := l.check(ctx, ref{"channel", []string{in.Channel}, []kg.Kind{kg.KindMechanism, kg.KindNetwork, kg.KindNHRI}}); err != nil {
		return nil, err
	}
	d := in.ActivatedOn
	if err := l.checkDate("activatedOn", &d); err != nil {
		return nil, err
	}
	if len(in.Outcome) > maxSummaryLength {
		return nil, kg.Errorf(kg.CodeBadUserInput, "outcome: at most %d characters", maxSummaryLength)
	}
	id, err := newID(kg.KindResponse)
	if err != nil {
		return nil, err
	}
	r, edges := NewResponseNode(id, actor, l.now(), in)
	cs := kg.ChangeSet{Actor: actor, Reason: "record response", PutNodes: []kg.Node{r}, PutEdges: edges,
		Expect: []kg.Expectation{{ID: inc.ID, Version: inc.Version}, {ID: id, Version: 0}}}
	if inc.Props.String(PropStatus) == string(StatusOpen) {
		inc.Props[PropStatus] = string(StatusResponding)
		cs.PutNodes = append(cs.PutNodes, *inc)
	}
	res, err := l.Store.Apply(ctx, cs)
	if err != nil {
		return nil, err
	}
	r.Version = res.Versions[id]
	return &r, nil
}

// NewResponseNode returns a response as Respond stores it, recorded by
// actor at recordedAt, and its relationships to the incident and the
// channel. It does not check in (Respond does), and leaves the incident's
// status to the caller: Respond makes an open incident RESPONDING.
func NewResponseNode(id, actor string, recordedAt time.Time, in ResponseInput) (kg.Node, []kg.Edge) {
	r := kg.Node{ID: id, Kind: kg.KindResponse, Name: "Response", Props: kg.Props{
		PropActivatedOn: string(in.ActivatedOn), PropActivatedBy: actor, PropRecordedAt: recordedAt.UTC().Format(StampLayout),
	}}
	if o := strings.TrimSpace(in.Outcome); o != "" {
		r.Props[PropOutcome] = o
	}
	return r, []kg.Edge{
		{Type: kg.RelRespondsTo, From: id, To: in.Incident},
		{Type: kg.RelActivated, From: id, To: in.Channel},
	}
}
