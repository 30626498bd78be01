package httpapi

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestLimiterMemoryIsBounded: a flood of new clients never grows the
// limiter past maxBuckets.
func TestLimiterMemoryIsBounded(t *testing.T) {
	l := newLimiter(1)
	now := time.Now()
	for i := 0; i < maxBuckets+5_000; i++ {
		l.take("client-"+strconv.Itoa(i), 1, now)
	}
	assert.LessOrEqual(t, len(l.buckets), maxBuckets)
	ok, _ := l.take("client-new", 1, now)
	assert.True(t, ok, "a new client is served")
}
