package resolvers

import (
	"context"
	"errors"
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
