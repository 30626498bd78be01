package httpapi

import (
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"marrakechgraph/auth"
	"marrakechgraph/kg"
)

// RateLimits bound how often one client may call the API. Zero values
// mean no limit; the server's configuration sets the defaults.
type RateLimits struct {
	// Public is the requests per second allowed to one client address
	// without a key (an IPv6 client counts by its /64 network).
	Public float64
	// Keyed is the requests per second allowed to one API key, and to one
	// address whatever keys it sends.
	Keyed float64
}

// Default rates: an analyst in GraphiQL stays far below Public, a
// dashboard with a key below Keyed. Each allows a burst of BurstSeconds'
// worth of requests.
const (
	DefaultPublicRate = 10
	DefaultKeyedRate  = 100
	BurstSeconds      = 10
	// maxBuckets bounds the memory of the limiters: beyond it, the buckets
	// idle longest are forgotten (a forgotten client starts afresh).
	maxBuckets = 100_000
)

// exportWeight is how many requests an export counts for: it reads the
// whole graph.
const exportWeight = 5

// limiter holds one token bucket per client (address or key).
type limiter struct {
	every   rate.Limit
	burst   int
	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiter(perSecond float64) *limiter {
	if perSecond <= 0 {
		return nil
	}
	return &limiter{every: rate.Limit(perSecond), burst: max(1, int(math.Ceil(perSecond*BurstSeconds))), buckets: map[string]*bucket{}}
}

// take takes n tokens from the client's bucket, or tells how long to wait.
func (l *limiter) take(client string, n int, now time.Time) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[client]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			l.forget(now)
		}
		b = &bucket{lim: rate.NewLimiter(l.every, l.burst)}
		l.buckets[client] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, n)
	if !r.OK() {
		return false, time.Duration(float64(n) / float64(l.every) * float64(time.Second))
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// forget drops the buckets that have refilled (their clients have been
// idle long enough to get a full burst anyway), or, failing that, a tenth
// of all buckets.
func (l *limiter) forget(now time.Time) {
	full := time.Duration(float64(l.burst) / float64(l.every) * float64(time.Second))
	for k, b := range l.buckets {
		if now.Sub(b.seen) > full {
			delete(l.buckets, k)
		}
	}
	for k := range l.buckets {
		if len(l.buckets) < maxBuckets*9/10 {
			break
		}
		delete(l.buckets, k)
	}
}

// clientAddress names the client of a request by its address: the peer's
// IP, or its /64 network for IPv6.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

// rateLimiter applies RateLimits: perAddress before a key is checked (so
// that guessing keys is as limited as anything else), then byKey for
// requests with a valid key and public for the others.
type rateLimiter struct {
	perAddress *limiter
	public     *limiter
	byKey      *limiter
	m          *metrics
}

func newRateLimiter(rl RateLimits, m *metrics) *rateLimiter {
	if rl.Public <= 0 && rl.Keyed <= 0 {
		return nil
	}
	return &rateLimiter{perAddress: newLimiter(rl.Keyed), public: newLimiter(rl.Public), byKey: newLimiter(rl.Keyed), m: m}
}

// beforeAuth limits every request by its address at the keyed rate.
func (rl *rateLimiter) beforeAuth(weight int, next http.Handler) http.Handler {
	if rl == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ok, wait := rl.perAddress.take(clientAddress(r), weight, time.Now()); !ok {
			rl.refuse(w, "address", wait)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// afterAuth limits a request by its key, or by its address at the public
// rate when it has none.
func (rl *rateLimiter) afterAuth(weight int, next http.Handler) http.Handler {
	if rl == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lim, client, by := rl.public, clientAddress(r), "address"
		if p := auth.FromContext(r.Context()); p.KeyID != "" {
			lim, client, by = rl.byKey, p.KeyID, "key"
		}
		if ok, wait := lim.take(client, weight, time.Now()); !ok {
			rl.refuse(w, by, wait)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (rl *rateLimiter) refuse(w http.ResponseWriter, by string, wait time.Duration) {
	if rl.m != nil {
		rl.m.rateLimited.WithLabelValues(by).Inc()
	}
	secs := max(1, int(math.Ceil(wait.Seconds())))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	writeJSON(w, http.StatusTooManyRequests, map[string]any{"errors": []map[string]any{{
		"message":    "too many requests: try again in " + strconv.Itoa(secs) + " s",
		"extensions": map[string]any{"code": string(kg.CodeRateLimited), "retryAfterSeconds": secs},
	}}})
}
