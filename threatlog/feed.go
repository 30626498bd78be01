package threatlog

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"marrakechgraph/kg"
)

// feedBuffer is how many events a slow subscriber may fall behind before
// it is disconnected rather than slowing the others down.
const feedBuffer = 64

// Polling of the audit log.
const (
	// DefaultPollInterval is how often the feed reads the audit log while
	// anyone is subscribed.
	DefaultPollInterval = 200 * time.Millisecond
	// pollBatch bounds the entries one poll reads; a full batch is followed
	// at once by another poll.
	pollBatch = 200
	// pollTimeout bounds one read of the audit log.
	pollTimeout = 5 * time.Second
)

// Event is what the feed tells a subscriber: one of its fields is set.
type Event struct {
	// Incident is an incident just reported, as it was reported.
	Incident *kg.Node
	// KeyChanged is the ID of an API key that was changed or deleted
	// (revoked, for instance): a subscriber authenticated by that key must
	// check it again before it goes on.
	KeyChanged string
}

// AuditLog is the part of a kg.Store the feed tails.
type AuditLog interface {
	Changes(ctx context.Context, after uint64, limit int) ([]kg.AuditEntry, error)
	LastSeq(ctx context.Context) (uint64, error)
}

// Feed tells subscribers of incidents as they are reported, and of API keys
// as they change, whichever process sharing the store made the change.
//
// While anyone is subscribed, one poller tails the store's audit log by its
// sequence number (kg.Store.Changes), starting from the last entry at the
// time it starts, and stops when the last subscriber leaves. An incident
// reported through this process is also published at once (Publish), and
// not a second time when the poller reaches its audit entry.
//
// A Feed without a Store only carries what is published in this process.
type Feed struct {
	// Store is the store whose audit log the feed tails.
	Store AuditLog
	// Interval between two polls of the audit log; 0 means
	// DefaultPollInterval.
	Interval time.Duration
	// Logger receives polling failures; nil means slog.Default().
	Logger *slog.Logger

	mu   sync.Mutex
	subs map[chan Event]struct{}
	// stop ends the running poller; nil when none runs.
	stop context.CancelFunc
	// cursor is the sequence number of the last audit entry the running
	// poller has handled.
	cursor uint64
	// published holds the sequence numbers of the audit entries whose
	// incidents were published in this process and that the poller has
	// not reached yet.
	published map[uint64]bool
}

// Subscribe returns a channel of events, closed when ctx ends or when the
// subscriber falls too far behind. The subscriber hears of every change
// committed after Subscribe returns; it fails when the store cannot tell
// where its audit log ends.
func (f *Feed) Subscribe(ctx context.Context) (<-chan Event, error) {
	ch := make(chan Event, feedBuffer)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Store != nil && f.stop == nil {
		lctx, cancel := context.WithTimeout(ctx, pollTimeout)
		last, err := f.Store.LastSeq(lctx)
		cancel()
		if err != nil {
			return nil, fmt.Errorf("threat feed: find the end of the audit log: %w", err)
		}
		pctx, stop := context.WithCancel(context.Background())
		f.stop, f.cursor, f.published = stop, last, map[uint64]bool{}
		go f.poll(pctx)
	}
	if f.subs == nil {
		f.subs = map[chan Event]struct{}{}
	}
	f.subs[ch] = struct{}{}
	go func() {
		<-ctx.Done()
		f.mu.Lock()
		defer f.mu.Unlock()
		f.dropLocked(ch)
	}()
	return ch, nil
}

// Incidents tells a subscriber authenticated by the key keyID ("" for
// none) of the incidents reported while ctx lasts. Whenever a key changes,
// through any process, recheck tells whether the subscriber's key still
// holds; when it does not (the key was revoked, say), the channel is closed
// at once. The channel is closed, too, when ctx ends or the subscriber falls
// behind (Subscribe).
func (f *Feed) Incidents(ctx context.Context, keyID string, recheck func(context.Context) error) (<-chan *Incident, error) {
	in, err := f.Subscribe(ctx)
	if err != nil {
		return nil, err
	}
	out := make(chan *Incident)
	go func() {
		defer close(out)
		for ev := range in {
			if ev.KeyChanged != "" && ev.KeyChanged != keyID {
				continue
			}
			if err := recheck(ctx); err != nil {
				return
			}
			if ev.Incident == nil {
				continue
			}
			inc := IncidentOf(ev.Incident)
			select {
			case out <- &inc:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// dropLocked ends a subscription, and the poller with the last one.
func (f *Feed) dropLocked(ch chan Event) {
	if _, ok := f.subs[ch]; !ok {
		return
	}
	delete(f.subs, ch)
	close(ch)
	if len(f.subs) == 0 && f.stop != nil {
		f.stop()
		f.stop, f.published = nil, nil
	}
}

// sendLocked gives an event to every subscriber without blocking.
func (f *Feed) sendLocked(ev Event) {
	for ch := range f.subs {
		e := ev
		e.Incident = ev.Incident.Clone()
		select {
		case ch <- e:
		default:
			f.dropLocked(ch)
		}
	}
}

// Publish tells every subscriber of an incident reported in this process,
// without waiting for the poller; seq is the sequence number of the audit
// entry that created it (0 when unknown: the poller may then deliver it a
// second time).
func (f *Feed) Publish(n *kg.Node, seq uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.stop != nil && seq != 0 {
		if seq <= f.cursor {
			return // the poller was faster
		}
		f.published[seq] = true
	}
	f.sendLocked(Event{Incident: n})
}

// poll tails the audit log until ctx ends.
func (f *Feed) poll(ctx context.Context) {
	interval := f.Interval
	if interval <= 0 {
		interval = DefaultPollInterval
	}
	log := f.Logger
	if log == nil {
		log = slog.Default()
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		for {
			more, err := f.pollOnce(ctx)
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				if !failing {
					log.Warn("threat feed: cannot read the audit log; retrying", "err", err)
				}
				failing = true
				break
			}
			if failing {
				log.Info("threat feed: reading the audit log again")
				failing = false
			}
			if !more {
				break
			}
		}
	}
}

// pollOnce reads one batch of the audit log and hands its events out. It
// reports whether the batch was full, so that more may be waiting.
func (f *Feed) pollOnce(ctx context.Context) (bool, error) {
	f.mu.Lock()
	after := f.cursor
	f.mu.Unlock()
	cctx, cancel := context.WithTimeout(ctx, pollTimeout)
	entries, err := f.Store.Changes(cctx, after, pollBatch)
	cancel()
	if err != nil {
		return false, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if ctx.Err() != nil {
		// Stopped while reading: a newer poller may own the cursor.
		return false, ctx.Err()
	}
	for _, e := range entries {
		f.cursor = e.Seq
		if f.published[e.Seq] {
			delete(f.published, e.Seq)
			continue
		}
		ev, ok, err := eventOf(e)
		if err != nil {
			return false, fmt.Errorf("threat feed: audit entry %d: %w", e.Seq, err)
		}
		if ok {
			f.sendLocked(ev)
		}
	}
	return len(entries) == pollBatch, nil
}

// eventOf returns the event an audit entry makes, if any: the creation of
// an incident, or a change to an API key.
func eventOf(e kg.AuditEntry) (Event, bool, error) {
	if e.Edge != nil {
		return Event{}, false, nil
	}
	kind, _ := kg.KindOfID(e.Subject)
	switch {
	case kind == kg.KindThreatIncident && e.Op == kg.OpCreate:
		n, err := decodeNode(e.After)
		if err != nil {
			return Event{}, false, err
		}
		return Event{Incident: n}, true, nil
	case kind == kg.KindAPIKey && (e.Op == kg.OpUpdate || e.Op == kg.OpDelete):
		return Event{KeyChanged: e.Subject}, true, nil
	}
	return Event{}, false, nil
}

// decodeNode reads a node from the JSON of an audit entry.
func decodeNode(s string) (*kg.Node, error) {
	var n kg.Node
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	if err := dec.Decode(&n); err != nil {
		return nil, fmt.Errorf("decode node: %w", err)
	}
	props, err := kg.Normalize(n.Props)
	if err != nil {
		return nil, fmt.Errorf("decode node %s: %w", n.ID, err)
	}
	n.Props = props
	return &n, nil
}
