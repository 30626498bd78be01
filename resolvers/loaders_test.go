package resolvers

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/embedded/embeddedtest"
	"marrakechgraph/kg"
)

// TestLoadersReadNothingOnceTheOperationEnded: the loaders answer from
// their cache while the operation runs, and refuse every read, cached or
// not, once its context has ended, so that a deep query stops growing as
// soon as its client has left or its deadline has passed.
func TestLoadersReadNothingOnceTheOperationEnded(t *testing.T) {
	l := newLoaders(embeddedtest.Seeded(t), 0, true)
	ctx, cancel := context.WithCancel(context.Background())
	q := kg.NeighborQuery{Direction: kg.Outgoing, Types: kg.ChannelRelTypes, Kinds: kg.ChannelKinds()}
	action := "action:o1-disseminate-marrakech"

	partners, err := l.NeighborsOf(ctx, action, q)
	require.NoError(t, err)
	require.NotEmpty(t, partners, "the seed's first action names partners")
	n, err := l.Node(ctx, action)
	require.NoError(t, err)
	require.NotNil(t, n)
	_, err = l.SupportChannelsOf(ctx, "commitment:ratification")
	require.NoError(t, err)

	cancel()
	_, err = l.NeighborsOf(ctx, action, q)
	assert.True(t, errors.Is(err, context.Canceled), "a cached neighbour read after the end: %v", err)
	_, err = l.Node(ctx, action)
	assert.True(t, errors.Is(err, context.Canceled), "a cached node read after the end: %v", err)
	_, err = l.SupportChannelsOf(ctx, "commitment:ratification")
	assert.True(t, errors.Is(err, context.Canceled), "a cached support-channel read after the end: %v", err)
}

// countingReader counts the neighbour reads that reach the store.
type countingReader struct {
	reader
	neighbors atomic.Int64
}

func (c *countingReader) Neighbors(ctx context.Context, ids []string, q kg.NeighborQuery) ([][]kg.Neighbor, error) {
	c.neighbors.Add(1)
	return c.reader.Neighbors(ctx, ids, q)
}

// TestLoadersReadAtOnce: with ReadAtOnce the loaders read without a
// gathering window, and answer the same as with one; a repeated key is
// still served from the operation's cache.
func TestLoadersReadAtOnce(t *testing.T) {
	s := embeddedtest.Seeded(t)
	q := kg.NeighborQuery{Direction: kg.Outgoing, Types: kg.ChannelRelTypes, Kinds: kg.ChannelKinds()}
	const action = "action:o1-disseminate-marrakech"
	batched, err := newLoaders(s, DefaultLoaderWait, true).NeighborsOf(context.Background(), action, q)
	require.NoError(t, err)

	c := &countingReader{reader: s}
	l := newLoaders(c, ReadAtOnce, true)
	for i := 0; i < 3; i++ {
		atOnce, err := l.NeighborsOf(context.Background(), action, q)
		require.NoError(t, err)
		assert.Equal(t, batched, atOnce)
	}
	assert.Equal(t, int64(1), c.neighbors.Load(), "one store read for one key")
}
