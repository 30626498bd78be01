package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/vektah/gqlparser/v2/ast"

	"marrakechgraph/kg"
	"marrakechgraph/respcache"
)

// metrics are the server's Prometheus metrics. Labels never carry request
// content (operation names, variables, IDs): only fixed vocabularies.
type metrics struct {
	registry   *prometheus.Registry
	requests   *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	operations *prometheus.CounterVec
	errors     *prometheus.CounterVec
	// rateLimited counts requests refused by the rate limits, by what
	// was limited: an address or a key.
	rateLimited *prometheus.CounterVec

	// byRoute keeps the request counter and latency histogram of each
	// route and status seen, so that recording a request does not look
	// its labels up again.
	byRoute sync.Map // routeStatus → routeMetrics
}

type routeMetrics struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

type routeStatus struct {
	route  string
	status int
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "marrakechgraph_http_requests_total", Help: "HTTP requests by route and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "marrakechgraph_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route"}),
		operations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "marrakechgraph_graphql_operations_total", Help: "GraphQL operations by type (query, mutation, subscription).",
		}, []string{"type"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "marrakechgraph_graphql_errors_total", Help: "GraphQL errors by extensions.code.",
		}, []string{"code"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "marrakechgraph_rate_limited_total", Help: "Requests refused with 429 by the rate limits, by what was limited (address or key).",
		}, []string{"by"}),
	}
	m.registry.MustRegister(m.requests, m.duration, m.operations, m.errors, m.rateLimited,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// watchCache publishes the answer cache's counters and occupancy.
func (m *metrics) watchCache(c *respcache.Cache) {
	counter := func(name, help string, f func(respcache.Stats) uint64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return float64(f(c.Stats())) })
	}
	gauge := func(name, help string, f func(respcache.Stats) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 { return f(c.Stats()) })
	}
	m.registry.MustRegister(
		counter("marrakechgraph_answer_cache_hits_total", "Answers served from the answer cache.", func(s respcache.Stats) uint64 { return s.Hits }),
		counter("marrakechgraph_answer_cache_misses_total", "Cacheable-looking requests the answer cache could not serve (stale ones included).", func(s respcache.Stats) uint64 { return s.Misses }),
		counter("marrakechgraph_answer_cache_stale_total", "Answers found in the cache for an older store version, and dropped.", func(s respcache.Stats) uint64 { return s.Stale }),
		counter("marrakechgraph_answer_cache_evictions_total", "Answers evicted to stay within the cache's budget.", func(s respcache.Stats) uint64 { return s.Evicted }),
		gauge("marrakechgraph_answer_cache_bytes", "Bytes held by the answer cache.", func(s respcache.Stats) float64 { return float64(s.Bytes) }),
		gauge("marrakechgraph_answer_cache_max_bytes", "Budget of the answer cache in bytes.", func(s respcache.Stats) float64 { return float64(s.MaxBytes) }),
		gauge("marrakechgraph_answer_cache_entries", "Answers held by the answer cache.", func(s respcache.Stats) float64 { return float64(s.Entries) }),
	)
}

// handler serves the metrics in the Prometheus text format.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// route names a request's path by the routes the server has, so that
// unknown paths do not make new series.
func route(path string) string {
	switch {
	case path == "/query", path == "/healthz", path == "/readyz", path == "/metrics":
		return path
	case strings.HasPrefix(path, "/graphiql/"):
		return "/graphiql/assets"
	case strings.HasPrefix(path, "/export/"):
		return "/export"
	case path == "/":
		return "/"
	}
	return "other"
}

// observe records one finished request.
func (m *metrics) observe(path string, status int, took time.Duration) {
	r := route(path)
	k := routeStatus{r, status}
	rm, ok := m.byRoute.Load(k)
	if !ok {
		rm, _ = m.byRoute.LoadOrStore(k, routeMetrics{m.requests.WithLabelValues(r, strconv.Itoa(status)), m.duration.WithLabelValues(r)})
	}
	rm.(routeMetrics).requests.Inc()
	rm.(routeMetrics).duration.Observe(took.Seconds())
}

// extension counts GraphQL operations and the codes of their errors.
type metricsExtension struct{ m *metrics }

var (
	_ graphql.HandlerExtension     = metricsExtension{}
	_ graphql.OperationInterceptor = metricsExtension{}
	_ graphql.ResponseInterceptor  = metricsExtension{}
)

func (metricsExtension) ExtensionName() string                   { return "Metrics" }
func (metricsExtension) Validate(graphql.ExecutableSchema) error { return nil }

func (e metricsExtension) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if op := graphql.GetOperationContext(ctx).Operation; op != nil {
		e.m.operations.WithLabelValues(string(opType(op))).Inc()
	}
	return next(ctx)
}

func opType(op *ast.OperationDefinition) ast.Operation {
	if op.Operation == "" {
		return ast.Query
	}
	return op.Operation
}

func (e metricsExtension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp != nil {
		for _, err := range resp.Errors {
			code, _ := err.Extensions["code"].(string)
			if code == "" {
				code = string(kg.CodeInternal)
			}
			e.m.errors.WithLabelValues(code).Inc()
		}
	}
	return resp
}
