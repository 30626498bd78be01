package threatlog_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/auth"
	"marrakechgraph/kg"
	"marrakechgraph/neo4j"
	"marrakechgraph/neo4j/neo4jtest"
	"marrakechgraph/storetest"
	"marrakechgraph/threatlog"
)

// feedDeadline is how soon a change made elsewhere reaches a subscriber:
// the "within 1 s", with a margin for a loaded machine.
const feedDeadline = 1500 * time.Millisecond

// secondClient returns another client of the same storage as s: a second
// driver on the same Neo4j database, as another API process would have.
// The embedded store's file admits one process, which s then stands for.
func secondClient(t *testing.T, b storetest.Backend, s kg.Store) kg.Store {
	t.Helper()
	if b.Name != storetest.Neo4j.Name {
		return s
	}
	tg := neo4jtest.Shared(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	other, err := neo4j.Open(ctx, neo4j.Config{URI: tg.URI, User: tg.User, Password: tg.Password, Database: tg.Database})
	require.NoError(t, err)
	t.Cleanup(func() { other.Close() })
	return other
}

func subscribe(t *testing.T, f *threatlog.Feed) <-chan threatlog.Event {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ch, err := f.Subscribe(ctx)
	require.NoError(t, err)
	return ch
}

// next waits for the next event, up to d.
func next(t *testing.T, ch <-chan threatlog.Event, d time.Duration, what string) threatlog.Event {
	t.Helper()
	select {
	case ev, ok := <-ch:
		require.True(t, ok, "%s: the subscription ended", what)
		return ev
	case <-time.After(d):
		t.Fatalf("%s: no event within %v", what, d)
		return threatlog.Event{}
	}
}

// quiet checks that no event comes for a few polls.
func quiet(t *testing.T, ch <-chan threatlog.Event, what string) {
	t.Helper()
	select {
	case ev := <-ch:
		t.Errorf("%s: unexpected event %+v", what, ev)
	case <-time.After(4 * threatlog.DefaultPollInterval):
	}
}

var feedReport = threatlog.Report{
	NHRI: "nhri:ke", Threats: []string{"threat-type:reprisals"},
	Targets: []threatlog.Target{threatlog.TargetInstitution}, Summary: "Offices raided.",
}

// TestFeedTailsTheAuditLog: two feeds over one storage, as two API
// processes have. A report made through one reaches the subscribers of
// both, once each; a key revoked through one is told to the other's
// subscribers.
func TestFeedTailsTheAuditLog(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		sa := b.Open(t)
		loadFixture(t, sa)
		sb := secondClient(t, b, sa)
		fa, fb := &threatlog.Feed{Store: sa}, &threatlog.Feed{Store: sb}
		la := &threatlog.Log{Store: sa, Feed: fa}
		onA, onB := subscribe(t, fa), subscribe(t, fb)

		inc, err := la.Report(ctx, "desk", feedReport)
		require.NoError(t, err)
		reported := time.Now()
		ev := next(t, onB, feedDeadline, "the other process")
		t.Logf("%s: a report reached the other process's subscriber in %v", b.Name, time.Since(reported).Round(time.Millisecond))
		require.NotNil(t, ev.Incident)
		assert.Equal(t, inc.ID, ev.Incident.ID)
		assert.Equal(t, "Offices raided.", ev.Incident.Props.String(threatlog.PropSummary))
		assert.Equal(t, []string{string(threatlog.TargetInstitution)}, ev.Incident.Props.Strings(threatlog.PropTargets))
		ev = next(t, onA, time.Second, "the reporting process")
		require.NotNil(t, ev.Incident)
		assert.Equal(t, inc.ID, ev.Incident.ID)
		quiet(t, onA, "published at once, then reached by the poller")
		quiet(t, onB, "one report")

		// Writes that are neither reports nor key changes make no event.
		_, err = la.Respond(ctx, "desk", threatlog.ResponseInput{Incident: inc.ID, Channel: "mechanism:un-asg-reprisals", ActivatedOn: "2026-03-16"})
		require.NoError(t, err)
		quiet(t, onB, "a response")

		keys := &auth.Keys{Store: sa}
		info, _, err := keys.Create(ctx, auth.RoleHeadOffice, "desk", "test")
		require.NoError(t, err)
		quiet(t, onB, "a new key")
		_, err = keys.Revoke(ctx, info.ID, "admin")
		require.NoError(t, err)
		revoked := time.Now()
		ev = next(t, onB, feedDeadline, "a revocation")
		t.Logf("%s: a revocation reached the other process's subscriber in %v", b.Name, time.Since(revoked).Round(time.Millisecond))
		assert.Equal(t, threatlog.Event{KeyChanged: info.ID}, ev)
		assert.Equal(t, threatlog.Event{KeyChanged: info.ID}, next(t, onA, time.Second, "a revocation in the same process"))
	})
}

// TestFeedStartsAtNow: a subscriber hears of what is committed after it
// subscribed, not of what came before, even when the poller had stopped for
// want of subscribers in between.
func TestFeedStartsAtNow(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		s := b.Open(t)
		loadFixture(t, s)
		f := &threatlog.Feed{Store: s}
		l := &threatlog.Log{Store: s}

		_, err := l.Report(ctx, "desk", feedReport)
		require.NoError(t, err)
		sub, cancel := context.WithCancel(ctx)
		first, err := f.Subscribe(sub)
		require.NoError(t, err)
		quiet(t, first, "a report from before the subscription")
		cancel()
		for range first {
		}

		_, err = l.Report(ctx, "desk", feedReport)
		require.NoError(t, err)
		second := subscribe(t, f)
		quiet(t, second, "a report made while nobody listened")
		inc, err := l.Report(ctx, "desk", feedReport)
		require.NoError(t, err)
		ev := next(t, second, feedDeadline, "a report after the subscription")
		require.NotNil(t, ev.Incident)
		assert.Equal(t, inc.ID, ev.Incident.ID)
	})
}
