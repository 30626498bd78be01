package neo4j

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"marrakechgraph/kg"
	"marrakechgraph/seed"
)

// TestRoundTripsMatchTheWire puts a Bolt proxy between the Store and the
// server, reads every message the driver sends, and checks that the
// Store's counts are what went over the wire: one BEGIN and one COMMIT per
// transaction, one RUN and one PULL per statement, and one network round
// trip per statement plus one per transaction.
func TestRoundTripsMatchTheWire(t *testing.T) {
	cfg := testConfig(t)
	u, err := url.Parse(cfg.URI)
	require.NoError(t, err)
	proxy := startBoltProxy(t, u.Host)
	cfg.URI = "bolt://" + proxy.addr()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s, err := Open(ctx, cfg)
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Wipe(ctx))

	before, wireBefore := s.RoundTrips(), proxy.snapshot()
	_, err = seed.Apply(ctx, s)
	require.NoError(t, err)
	ids := []string{explainMechanism, explainAction, explainNHRI, "mechanism:missing"}
	_, err = s.Nodes(ctx, ids)
	require.NoError(t, err)
	for _, d := range []kg.Direction{kg.Outgoing, kg.Incoming, kg.Both} {
		_, err = s.Neighbors(ctx, ids, kg.NeighborQuery{Direction: d})
		require.NoError(t, err)
	}
	// Every node's relationships: more rows than the driver's default
	// fetch size (1000), in one round trip all the same.
	var allIDs []string
	for _, k := range kg.Kinds() {
		page, err := s.Find(ctx, kg.FindQuery{Kind: k.Kind, OrderBy: kg.OrderByID, First: kg.MaxPageSize})
		require.NoError(t, err)
		for _, n := range page.Nodes {
			allIDs = append(allIDs, n.ID)
		}
	}
	nbs, err := s.Neighbors(ctx, allIDs, kg.NeighborQuery{Direction: kg.Both})
	require.NoError(t, err)
	rows := 0
	for _, ns := range nbs {
		rows += len(ns)
	}
	require.Greater(t, rows, 1000, "the walk returns more rows than one default fetch")
	_, err = s.Search(ctx, kg.SearchQuery{Text: "human rights", Limit: 10})
	require.NoError(t, err)
	_, err = s.History(ctx, explainMechanism)
	require.NoError(t, err)
	_, err = s.Stats(ctx)
	require.NoError(t, err)
	// A grouped count is one statement in one transaction, by property or
	// by relationship, filtered or not.
	for _, q := range []kg.CountQuery{
		{Filter: kg.FindQuery{Kind: kg.KindMechanism}, By: kg.GroupBy{Prop: kg.PropCategory}},
		{Filter: kg.FindQuery{Kind: kg.KindAction, Text: "defenders"}, By: kg.GroupBy{Rel: &kg.RelGroup{Types: kg.ChannelRelTypes, Direction: kg.Outgoing}}},
		{Filter: kg.FindQuery{Kind: kg.KindAction, Related: []kg.RelFilter{{Types: []kg.RelType{kg.RelUnderObjective}, Direction: kg.Outgoing, IDs: []string{explainObjective}}}},
			By: kg.GroupBy{Rel: &kg.RelGroup{Types: []kg.RelType{kg.RelImplements}, Direction: kg.Outgoing}}},
		{Kinds: kg.ChannelKinds(), By: kg.GroupBy{Rel: &kg.RelGroup{Types: kg.ChannelRelTypes, Direction: kg.Incoming, Kinds: []kg.Kind{kg.KindAction},
			Then: &kg.RelGroup{Types: kg.CommitmentRelTypes, Direction: kg.Outgoing, Kinds: []kg.Kind{kg.KindCommitment}}}}},
	} {
		one := s.RoundTrips()
		c, err := s.Count(ctx, q)
		require.NoError(t, err)
		require.Positive(t, c.Total)
		require.Equal(t, RoundTrips{Transactions: 1, Statements: 1}, s.RoundTrips().Sub(one), "count %+v", q)
	}
	require.NoError(t, s.Ping(ctx))
	// A change that changes nothing reads only; one that changes writes.
	_, err = seed.Apply(ctx, s)
	require.NoError(t, err)
	n := &kg.Node{ID: "mechanism:round-trip-probe", Kind: kg.KindMechanism, Name: "Probe",
		Citations: []kg.Citation{{Document: "GAP", Section: "Objective 2", Quote: "reprisals"}}}
	_, err = s.Apply(ctx, kg.ChangeSet{Actor: "test", Reason: "round trips", PutNodes: []kg.Node{*n}})
	require.NoError(t, err)

	got, wire := s.RoundTrips().Sub(before), proxy.snapshot().sub(wireBefore)
	t.Logf("store: %d transactions, %d statements, %d round trips; wire: %v", got.Transactions, got.Statements, got.Total(), wire)
	require.Positive(t, got.Statements)
	require.Equal(t, got.Transactions, wire.messages["BEGIN"], "transactions counted vs BEGIN sent")
	require.Equal(t, got.Transactions, wire.messages["COMMIT"]+wire.messages["ROLLBACK"], "transactions counted vs COMMIT or ROLLBACK sent")
	require.Equal(t, got.Statements, wire.messages["RUN"], "statements counted vs RUN sent")
	require.Equal(t, got.Statements, wire.messages["PULL"], "one PULL per statement: results come whole")
	require.Equal(t, got.Total(), wire.trips, "round trips counted vs round trips on the wire (connection setup apart)")
}

// boltProxy relays Bolt connections to a server and reads the client's
// side: the messages it sends, by name, and its round trips, a round trip
// being a batch of messages sent after the server last answered.
// Connection setup (HELLO, LOGON) is counted apart.
type boltProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	stats  wireStats
	wg     sync.WaitGroup
}

type wireStats struct {
	messages map[string]int64
	trips    int64 // round trips, connection setup apart
	setups   int64 // round trips that open a connection
}

func (w wireStats) String() string {
	return fmt.Sprintf("%d round trips (+%d connection setups), messages %v", w.trips, w.setups, w.messages)
}

func (w wireStats) sub(before wireStats) wireStats {
	out := wireStats{messages: map[string]int64{}, trips: w.trips - before.trips, setups: w.setups - before.setups}
	for k, v := range w.messages {
		if d := v - before.messages[k]; d != 0 {
			out.messages[k] = d
		}
	}
	return out
}

// boltRequests names the client messages of Bolt 5 by signature.
var boltRequests = map[byte]string{
	0x01: "HELLO", 0x02: "GOODBYE", 0x0F: "RESET", 0x10: "RUN", 0x11: "BEGIN", 0x12: "COMMIT", 0x13: "ROLLBACK",
	0x2F: "DISCARD", 0x3F: "PULL", 0x54: "TELEMETRY", 0x66: "ROUTE", 0x6A: "LOGON", 0x6B: "LOGOFF",
}

func startBoltProxy(t *testing.T, target string) *boltProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &boltProxy{ln: ln, target: target, stats: wireStats{messages: map[string]int64{}}}
	p.wg.Add(1)
	go p.accept(t)
	t.Cleanup(func() { ln.Close(); p.wg.Wait() })
	return p
}

func (p *boltProxy) addr() string { return p.ln.Addr().String() }

func (p *boltProxy) snapshot() wireStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stats.sub(wireStats{})
}

func (p *boltProxy) accept(t *testing.T) {
	defer p.wg.Done()
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			t.Errorf("proxy: dial %s: %v", p.target, err)
			client.Close()
			continue
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.relay(t, client, server)
		}()
	}
}

// relay copies both ways until either side closes, reading the client's
// messages as they pass. A round trip starts with the first bytes the
// client sends after the server has answered.
func (p *boltProxy) relay(t *testing.T, client, server net.Conn) {
	defer client.Close()
	defer server.Close()
	var (
		mu       sync.Mutex
		answered = true // the server has sent something since the client last sent
	)
	done := make(chan struct{})
	version := make(chan []byte, 1) // the server's answer to the handshake
	go func() {
		defer close(done)
		var reply []byte
		buf := make([]byte, 32*1024)
		for {
			n, err := server.Read(buf)
			if len(reply) < 4 {
				reply = append(reply, buf[:min(n, 4-len(reply))]...)
				if len(reply) == 4 {
					version <- reply
				}
			}
			if n > 0 {
				mu.Lock()
				answered = true
				mu.Unlock()
				if _, werr := client.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				client.Close()
				return
			}
		}
	}()

	r := &clientReader{conn: client, server: server, answered: func() bool {
		mu.Lock()
		defer mu.Unlock()
		a := answered
		answered = false
		return a
	}}
	// Handshake: magic and four proposed versions; the server's choice
	// counts as its answer.
	if _, err := io.ReadFull(r, make([]byte, 20)); err != nil || r.flush() != nil {
		server.Close()
		<-done
		return
	}
	// Manifest negotiation (Bolt 5.7 and later): the client confirms the
	// version it picked and its capabilities (a varint).
	select {
	case v := <-version:
		if v[3] == 0xFF && v[2] == 0x01 {
			if _, err := io.ReadFull(r, make([]byte, 4)); err != nil {
				return
			}
			for b := []byte{0x80}; b[0]&0x80 != 0; {
				if _, err := io.ReadFull(r, b); err != nil {
					return
				}
			}
			if r.flush() != nil {
				return
			}
		}
	case <-done:
		return
	}
	r.newTrip = false
	var msg []byte
	for {
		var size [2]byte
		if _, err := io.ReadFull(r, size[:]); err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				t.Logf("proxy: %v", err)
			}
			break
		}
		n := binary.BigEndian.Uint16(size[:])
		if n > 0 {
			chunk := make([]byte, n)
			if _, err := io.ReadFull(r, chunk); err != nil {
				break
			}
			msg = append(msg, chunk...)
			continue
		}
		if len(msg) == 0 {
			if r.flush() != nil { // a NOOP keep-alive
				break
			}
			continue
		}
		// A message is a PackStream structure: marker 0xB0+fields, signature.
		name := fmt.Sprintf("0x%02X", msg[1])
		if known, ok := boltRequests[msg[1]]; ok && msg[0]&0xF0 == 0xB0 {
			name = known
		}
		msg = msg[:0]
		p.mu.Lock()
		p.stats.messages[name]++
		if r.newTrip {
			r.newTrip = false
			if name == "HELLO" || name == "LOGON" {
				p.stats.setups++
			} else {
				p.stats.trips++
			}
		}
		p.mu.Unlock()
		if r.flush() != nil {
			break
		}
	}
	server.Close()
	<-done
}

// clientReader reads the client's bytes and notes when a read starts a new
// round trip. The bytes read go to the server only on flush, once the
// proxy has counted the message they hold: the server cannot answer, nor
// the client go on, before the message is counted.
type clientReader struct {
	conn, server net.Conn
	answered     func() bool
	newTrip      bool // the message being read started a round trip
	buf          []byte
	pending      []byte // read, not yet sent to the server
}

func (r *clientReader) Read(p []byte) (int, error) {
	if len(r.buf) == 0 {
		buf := make([]byte, 64*1024)
		n, err := r.conn.Read(buf)
		if n == 0 {
			return 0, err
		}
		if r.answered() {
			r.newTrip = true
		}
		r.buf = buf[:n]
	}
	n := copy(p, r.buf)
	r.pending = append(r.pending, r.buf[:n]...)
	r.buf = r.buf[n:]
	return n, nil
}

// flush sends the server what has been read.
func (r *clientReader) flush() error {
	if len(r.pending) == 0 {
		return nil
	}
	_, err := r.server.Write(r.pending)
	r.pending = r.pending[:0]
	return err
}
