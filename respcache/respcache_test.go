package respcache_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/respcache"
)

func key(s string) respcache.Key {
	var k respcache.Keyer
	return k.Add(s).Key()
}

func entry(version uint64, body string) *respcache.Entry {
	return &respcache.Entry{Version: version, Status: 200, ETag: respcache.ETag([]byte(body)), Body: []byte(body),
		Header: map[string][]string{"Content-Type": {"application/json"}}}
}

func TestAnswersAreForOneVersion(t *testing.T) {
	c := respcache.New(1 << 20)
	c.Put(key("q"), entry(7, `{"data":1}`))
	e, ok := c.Get(key("q"), 7)
	require.True(t, ok)
	assert.Equal(t, `{"data":1}`, string(e.Body))
	_, ok = c.Get(key("q"), 8)
	assert.False(t, ok, "a newer version misses")
	_, ok = c.Get(key("q"), 7)
	assert.False(t, ok, "and the old answer is gone")

	c.Put(key("q"), entry(9, `{"data":9}`))
	c.Put(key("q"), entry(8, `{"data":8}`))
	e, ok = c.Get(key("q"), 9)
	require.True(t, ok, "an older answer never replaces a newer one")
	assert.Equal(t, `{"data":9}`, string(e.Body))
	s := c.Stats()
	assert.Equal(t, uint64(2), s.Hits)
	assert.Equal(t, uint64(2), s.Misses)
	assert.Equal(t, uint64(1), s.Stale)
}

func TestBudgetInBytes(t *testing.T) {
	const budget = 64 << 10
	c := respcache.New(budget)
	body := strings.Repeat("x", 1000)
	for i := 0; i < 500; i++ {
		c.Put(key(fmt.Sprint(i)), entry(1, body))
		_, ok := c.Get(key("0"), 1) // the first stays in use
		require.True(t, ok, "the most recently used answer stays (after %d)", i)
		assert.LessOrEqual(t, c.Stats().Bytes, int64(budget))
	}
	s := c.Stats()
	assert.Greater(t, s.Evicted, uint64(400))
	_, ok := c.Get(key("1"), 1)
	assert.False(t, ok, "the least recently used went first")

	c.Put(key("big"), entry(1, strings.Repeat("y", budget/8+1)))
	_, ok = c.Get(key("big"), 1)
	assert.False(t, ok, "an answer over an eighth of the budget is not kept")
	assert.Equal(t, uint64(1), c.Stats().Refused)
}

func TestRefusedRequestsAreRemembered(t *testing.T) {
	c := respcache.New(1 << 20)
	assert.False(t, c.Refused(key("incidents")))
	c.Refuse(key("incidents"))
	assert.True(t, c.Refused(key("incidents")))
	c.Put(key("incidents"), entry(3, `{}`))
	_, ok := c.Get(key("incidents"), 3)
	assert.False(t, ok, "a refused request's answer is never kept")
}

func TestKeysDoNotCollide(t *testing.T) {
	var a, b respcache.Keyer
	assert.NotEqual(t, a.Add("ab").Add("c").Key(), b.Add("a").Add("bc").Key())
}

func TestNormalizeQuery(t *testing.T) {
	same := []string{
		`{ commitments { id name } }`,
		"{commitments{id,name}}",
		"# a comment\n{\n  commitments {\n    id\n    name\n  }\n}\n",
	}
	want, ok := respcache.NormalizeQuery(same[0])
	require.True(t, ok)
	for _, q := range same[1:] {
		got, ok := respcache.NormalizeQuery(q)
		require.True(t, ok, q)
		assert.Equal(t, want, got, q)
	}
	for _, q := range []string{
		`{ commitments { id } }`,
		`{ node(id: "a b") { id } }`,
		`{ node(id: "a  b") { id } }`,
		`{ node(id: a) { id } }`,
	} {
		got, ok := respcache.NormalizeQuery(q)
		require.True(t, ok, q)
		assert.NotEqual(t, want, got, q)
	}
	a, _ := respcache.NormalizeQuery(`{ node(id: "a b") { id } }`)
	b, _ := respcache.NormalizeQuery(`{ node(id: "a  b") { id } }`)
	assert.NotEqual(t, a, b, "white space inside strings counts")
	_, ok = respcache.NormalizeQuery(`{ node(id: "unterminated) }`)
	assert.False(t, ok)
}
