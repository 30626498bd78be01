// Package respcache keeps whole answers of the GraphQL endpoint in memory,
// each valid for one version of the store, within a budget of bytes.
//
// A version is the store's last audit sequence number (kg.Store.LastSeq):
// every change set that changes anything moves it on, on every backend,
// and on Neo4j it lives in the database, so every instance of the API
// reads the same one. An entry answers only a request made at the version
// it was computed for; an entry of an older version is dropped when met.
// What goes into a key (the normalised operation, the role) is the
// caller's business: see Keyer.
package respcache

import (
	"container/list"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"io"
	"sync"
)

// DefaultMaxBytes is the budget of a cache made with a budget of 0.
const DefaultMaxBytes = 64 << 20

// entryOverhead approximates what an entry costs beyond its body: the list
// element, the map slot, the key and the headers.
const entryOverhead = 256

// Key identifies an answer: a digest of everything the answer depends on
// besides the store's version.
type Key [sha256.Size]byte

// Entry is one cached answer.
type Entry struct {
	// Version is the store version the answer was computed at.
	Version uint64
	// Status is the HTTP status code of the answer.
	Status int
	// ETag is its entity tag, quoted (see ETag).
	ETag string
	// Body is the answer's bytes. It is never modified once stored.
	Body []byte
	// Header holds the answer's headers as they are written (Content-Type,
	// ETag, Content-Length…), made once; their values are never modified
	// once stored.
	Header map[string][]string
	// never marks a request whose answer is never kept (see Refuse).
	never bool
}

func (e *Entry) size() int64 {
	n := len(e.Body) + entryOverhead
	for _, v := range e.Header {
		for _, s := range v {
			n += len(s)
		}
	}
	return int64(n)
}

// ETag returns the strong entity tag of a body: a digest of its bytes, so
// that equal answers share a tag whichever version computed them.
func ETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

// Stats count what the cache did since it was made.
type Stats struct {
	Hits, Misses, Stale, Stored, Evicted, Refused uint64
	Entries                                       int
	Bytes, MaxBytes                               int64
}

// Cache is a least-recently-used cache of answers bounded in bytes. Its
// methods are safe for concurrent use.
type Cache struct {
	mu    sync.Mutex
	max   int64
	used  int64
	order *list.List // front: most recently used; values are *item
	items map[Key]*list.Element
	stats Stats
}

type item struct {
	key   Key
	entry *Entry
}

// New returns a cache that holds at most maxBytes (DefaultMaxBytes when 0).
func New(maxBytes int64) *Cache {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	return &Cache{max: maxBytes, order: list.New(), items: map[Key]*list.Element{}}
}

// MaxEntryBytes is the largest entry a cache keeps: an eighth of its
// budget, so that one answer never empties the cache.
func (c *Cache) MaxEntryBytes() int64 { return c.max / 8 }

// Get returns the answer stored under k for the store version, if any. An
// answer of another version is dropped and counts as stale.
func (c *Cache) Get(k Key, version uint64) (*Entry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	if !ok {
		c.stats.Misses++
		return nil, false
	}
	it := el.Value.(*item)
	if it.entry.never {
		c.stats.Misses++
		return nil, false
	}
	if it.entry.Version != version {
		if it.entry.Version < version {
			c.removeLocked(el)
		}
		c.stats.Stale++
		c.stats.Misses++
		return nil, false
	}
	c.order.MoveToFront(el)
	c.stats.Hits++
	return it.entry, true
}

// Put stores e under k, evicting the least recently used answers to stay
// within the budget. An answer larger than MaxEntryBytes is not kept, nor
// one older than the answer already stored under k.
func (c *Cache) Put(k Key, e *Entry) {
	size := e.size()
	c.mu.Lock()
	defer c.mu.Unlock()
	if size > c.MaxEntryBytes() {
		c.stats.Refused++
		return
	}
	if el, ok := c.items[k]; ok {
		if old := el.Value.(*item).entry; old.never || old.Version > e.Version {
			return
		}
		c.removeLocked(el)
	}
	for c.used+size > c.max {
		c.removeLocked(c.order.Back())
		c.stats.Evicted++
	}
	c.items[k] = c.order.PushFront(&item{key: k, entry: e})
	c.used += size
	c.stats.Stored++
}

// Refuse remembers that the answer to k is never kept, whatever the
// store's version (an operation that reads the threat log, say), so that
// the next request for it goes its way without asking for the version.
func (c *Cache) Refuse(k Key) {
	c.Put(k, &Entry{never: true})
}

// Refused reports whether the answer to k is never kept (see Refuse).
func (c *Cache) Refused(k Key) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	if !ok || !el.Value.(*item).entry.never {
		return false
	}
	c.order.MoveToFront(el)
	return true
}

func (c *Cache) removeLocked(el *list.Element) {
	it := c.order.Remove(el).(*item)
	delete(c.items, it.key)
	c.used -= it.entry.size()
}

// Stats returns the cache's counters and occupancy.
func (c *Cache) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.Entries, s.Bytes, s.MaxBytes = len(c.items), c.used, c.max
	return s
}

// Keyer builds a Key from parts, each length-prefixed so that no two lists
// of parts give the same digest.
type Keyer struct {
	h   hash.Hash
	len [binary.MaxVarintLen64]byte
}

func (k *Keyer) prefix(n int) {
	if k.h == nil {
		k.h = sha256.New()
	}
	k.h.Write(binary.AppendUvarint(k.len[:0], uint64(n)))
}

// Add appends one part.
func (k *Keyer) Add(part string) *Keyer {
	k.prefix(len(part))
	io.WriteString(k.h, part)
	return k
}

// AddBytes appends one part.
func (k *Keyer) AddBytes(part []byte) *Keyer {
	k.prefix(len(part))
	k.h.Write(part)
	return k
}

// Key returns the digest of the parts added so far.
func (k *Keyer) Key() Key {
	if k.h == nil {
		k.h = sha256.New()
	}
	var out Key
	k.h.Sum(out[:0])
	return out
}
