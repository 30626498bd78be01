package threatlog

import (
	"context"
	"sync"

	"marrakechgraph/kg"
)

// feedBuffer is how many reports a slow subscriber may fall behind before
// it is disconnected rather than slowing the others down.
const feedBuffer = 64

// Feed tells subscribers of incidents as they are reported, within this
// process.
type Feed struct {
	mu   sync.Mutex
	subs map[chan *kg.Node]struct{}
}

// Subscribe returns a channel of reported incidents, closed when ctx ends
// or when the subscriber falls too far behind.
func (f *Feed) Subscribe(ctx context.Context) <-chan *kg.Node {
	ch := make(chan *kg.Node, feedBuffer)
	f.mu.Lock()
	if f.subs == nil {
		f.subs = map[chan *kg.Node]struct{}{}
	}
	f.subs[ch] = struct{}{}
	f.mu.Unlock()
	go func() {
		<-ctx.Done()
		f.drop(ch)
	}()
	return ch
}

func (f *Feed) drop(ch chan *kg.Node) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.subs[ch]; ok {
		delete(f.subs, ch)
		close(ch)
	}
}

// Publish sends an incident to every subscriber without blocking.
func (f *Feed) Publish(n *kg.Node) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for ch := range f.subs {
		select {
		case ch <- n.Clone():
		default:
			delete(f.subs, ch)
			close(ch)
		}
	}
}
