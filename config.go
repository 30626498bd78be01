package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"marrakechgraph/cost"
	"marrakechgraph/httpapi"
	"marrakechgraph/respcache"
	"marrakechgraph/synth"
)

// config is the server's configuration: each setting from a flag, else its
// environment variable, else a safe default.
type config struct {
	Addr          string
	Store         string
	DataDir       string
	Neo4jURI      string
	Neo4jUser     string
	Neo4jPassword string
	Neo4jDatabase string
	CORSOrigins   []string
	LogLevel      slog.Level
	// Limits bound each GraphQL operation before it runs.
	Limits cost.Limits
	// RateLimits bound how often one client may call the API.
	RateLimits httpapi.RateLimits
	// RequestTimeout bounds a request's time; MaxResponseBytes its answer.
	RequestTimeout   time.Duration
	MaxResponseBytes int
	// ResponseCacheBytes bounds the answer cache (negative: off);
	// PublicMaxAge is how long CDNs may keep public answers.
	ResponseCacheBytes int64
	PublicMaxAge       time.Duration
	// SyntheticScale, when above 0, grows a synthetic graph ×N beside the
	// seed at start (package synth).
	SyntheticScale int
}

// neo4jSchemes are the URI schemes the Neo4j driver accepts: direct (bolt)
// or routed (neo4j, for clusters and Aura), plain or encrypted.
var neo4jSchemes = []string{"bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"}

// Store backends.
const (
	storeEmbedded = "embedded"
	storeNeo4j    = "neo4j"
)

// parseConfig reads flags from args, with defaults from getenv.
func parseConfig(args []string, getenv func(string) string, out io.Writer) (config, error) {
	env := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	var c config
	var cors, level, maxCost, maxDepth, maxFields, ratePublic, rateKeyed, maxResponse, cacheBytes, synthetic string
	fs := flag.NewFlagSet("marrakechgraph", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&c.Addr, "addr", env("ADDR", ":8080"), "listen address (ADDR)")
	fs.StringVar(&c.Store, "store", env("STORE", storeEmbedded), "storage backend: embedded or neo4j (STORE)")
	fs.StringVar(&c.DataDir, "data-dir", env("DATA_DIR", "./data"), "folder of the embedded store (DATA_DIR)")
	fs.StringVar(&c.Neo4jURI, "neo4j-uri", env("NEO4J_URI", ""), "Neo4j URI: bolt://, neo4j:// or neo4j+s:// (NEO4J_URI)")
	fs.StringVar(&c.Neo4jUser, "neo4j-user", env("NEO4J_USER", "neo4j"), "Neo4j user (NEO4J_USER)")
	fs.StringVar(&c.Neo4jPassword, "neo4j-password", env("NEO4J_PASSWORD", ""), "Neo4j password (NEO4J_PASSWORD)")
	fs.StringVar(&c.Neo4jDatabase, "neo4j-database", env("NEO4J_DATABASE", "neo4j"), "Neo4j database (NEO4J_DATABASE)")
	fs.StringVar(&cors, "cors-origins", env("CORS_ORIGINS", ""), "comma-separated origins allowed to call the API from browsers; * for any; empty for none (CORS_ORIGINS)")
	fs.StringVar(&level, "log-level", env("LOG_LEVEL", "info"), "log level: debug, info, warn or error (LOG_LEVEL)")
	fs.StringVar(&maxCost, "max-cost", env("MAX_COST", strconv.Itoa(cost.DefaultMaxCost)), "most fields an operation's answer may hold, lists counted at their largest (MAX_COST)")
	fs.StringVar(&maxDepth, "max-depth", env("MAX_DEPTH", strconv.Itoa(cost.DefaultMaxDepth)), "deepest nesting of fields in an operation (MAX_DEPTH)")
	fs.StringVar(&maxFields, "max-fields", env("MAX_FIELDS", strconv.Itoa(cost.DefaultMaxFields)), "most field selections in an operation, fragments expanded (MAX_FIELDS)")
	fs.StringVar(&ratePublic, "rate-limit-public", env("RATE_LIMIT_PUBLIC", strconv.Itoa(httpapi.DefaultPublicRate)), "requests per second allowed to one address without a key; 0 for no limit (RATE_LIMIT_PUBLIC)")
	fs.StringVar(&rateKeyed, "rate-limit-keyed", env("RATE_LIMIT_KEYED", strconv.Itoa(httpapi.DefaultKeyedRate)), "requests per second allowed to one API key, and to one address; 0 for no limit (RATE_LIMIT_KEYED)")
	fs.DurationVar(&c.RequestTimeout, "request-timeout", envDuration(getenv, "REQUEST_TIMEOUT", httpapi.DefaultRequestTimeout), "longest a request to /query or /export may take, such as 15s (REQUEST_TIMEOUT)")
	fs.StringVar(&maxResponse, "max-response-bytes", env("MAX_RESPONSE_BYTES", strconv.Itoa(httpapi.DefaultMaxResponseBytes)), "largest answer of /query in bytes (MAX_RESPONSE_BYTES)")
	fs.StringVar(&cacheBytes, "response-cache-bytes", env("RESPONSE_CACHE_BYTES", strconv.Itoa(respcache.DefaultMaxBytes)), "memory of the answer cache, which keeps answers of the public graph until the graph changes; 0 turns it off (RESPONSE_CACHE_BYTES)")
	fs.DurationVar(&c.PublicMaxAge, "public-max-age", envDuration(getenv, "PUBLIC_MAX_AGE", httpapi.DefaultPublicMaxAge), "how long browsers and CDNs may keep the answer to a persisted query asked by GET without a key, such as 60s (PUBLIC_MAX_AGE)")
	fs.StringVar(&synthetic, "synthetic-scale", env("SYNTHETIC_SCALE", "0"), "grow a synthetic graph of the seed's shape ×N at start, 1 to "+strconv.Itoa(synth.MaxScale)+", for scale tests; 0 for none (SYNTHETIC_SCALE)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	for _, o := range strings.Split(cors, ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.CORSOrigins = append(c.CORSOrigins, o)
		}
	}
	if err := httpapi.CheckOrigins(c.CORSOrigins); err != nil {
		return c, fmt.Errorf("CORS_ORIGINS: %w", err)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(cacheBytes), 10, 64)
	if err != nil || n < 0 {
		return c, fmt.Errorf("RESPONSE_CACHE_BYTES must be a whole number of bytes, 0 to turn the cache off, not %q", cacheBytes)
	}
	c.ResponseCacheBytes = n
	if n == 0 {
		c.ResponseCacheBytes = -1
	}
	if c.PublicMaxAge < time.Second {
		return c, fmt.Errorf("PUBLIC_MAX_AGE must be at least 1s, such as 60s")
	}
	if c.RequestTimeout <= 0 {
		return c, fmt.Errorf("REQUEST_TIMEOUT must be above 0, such as 15s")
	}
	for _, l := range []struct {
		name, value string
		to          *int
	}{{"MAX_COST", maxCost, &c.Limits.MaxCost}, {"MAX_DEPTH", maxDepth, &c.Limits.MaxDepth}, {"MAX_FIELDS", maxFields, &c.Limits.MaxFields}, {"MAX_RESPONSE_BYTES", maxResponse, &c.MaxResponseBytes}} {
		n, err := strconv.Atoi(strings.TrimSpace(l.value))
		if err != nil || n < 1 {
			return c, fmt.Errorf("%s must be a whole number above 0, not %q", l.name, l.value)
		}
		*l.to = n
	}
	for _, l := range []struct {
		name, value string
		to          *float64
	}{{"RATE_LIMIT_PUBLIC", ratePublic, &c.RateLimits.Public}, {"RATE_LIMIT_KEYED", rateKeyed, &c.RateLimits.Keyed}} {
		f, err := strconv.ParseFloat(strings.TrimSpace(l.value), 64)
		if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
			return c, fmt.Errorf("%s must be a number of requests per second, 0 or more, not %q", l.name, l.value)
		}
		*l.to = f
	}
	scale, err := strconv.Atoi(strings.TrimSpace(synthetic))
	if err != nil || (scale != 0 && synth.CheckScale(scale) != nil) {
		return c, fmt.Errorf("SYNTHETIC_SCALE must be a whole number from 1 to %d, or 0 for none, not %q", synth.MaxScale, synthetic)
	}
	c.SyntheticScale = scale
	if err := c.LogLevel.UnmarshalText([]byte(level)); err != nil {
		return c, fmt.Errorf("LOG_LEVEL: %w", err)
	}
	switch c.Store {
	case storeEmbedded:
		if c.DataDir == "" {
			return c, fmt.Errorf("DATA_DIR must not be empty")
		}
	case storeNeo4j:
		if c.Neo4jURI == "" {
			return c, fmt.Errorf("STORE=neo4j needs NEO4J_URI")
		}
		u, err := url.Parse(c.Neo4jURI)
		if err != nil || !slices.Contains(neo4jSchemes, u.Scheme) || u.Host == "" {
			return c, fmt.Errorf("NEO4J_URI %q must be scheme://host:port with a scheme among %s", c.Neo4jURI, strings.Join(neo4jSchemes, ", "))
		}
	default:
		return c, fmt.Errorf("STORE must be %q or %q, not %q", storeEmbedded, storeNeo4j, c.Store)
	}
	return c, nil
}

// envDuration reads a duration from the environment; a malformed one is
// left to the flag's parsing, which reports it.
func envDuration(getenv func(string) string, key string, def time.Duration) time.Duration {
	if v := getenv(key); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
		return -1
	}
	return def
}

// LogValue logs the configuration with secrets masked.
func (c config) LogValue() slog.Value {
	pw := ""
	if c.Neo4jPassword != "" {
		pw = "********"
	}
	return slog.GroupValue(
		slog.String("addr", c.Addr), slog.String("store", c.Store), slog.String("data_dir", c.DataDir),
		slog.String("neo4j_uri", c.Neo4jURI), slog.String("neo4j_user", c.Neo4jUser), slog.String("neo4j_password", pw),
		slog.String("neo4j_database", c.Neo4jDatabase), slog.Any("cors_origins", c.CORSOrigins), slog.String("log_level", c.LogLevel.String()),
		slog.Int("max_cost", c.Limits.MaxCost), slog.Int("max_depth", c.Limits.MaxDepth), slog.Int("max_fields", c.Limits.MaxFields),
		slog.Float64("rate_limit_public", c.RateLimits.Public), slog.Float64("rate_limit_keyed", c.RateLimits.Keyed),
		slog.Duration("request_timeout", c.RequestTimeout), slog.Int("max_response_bytes", c.MaxResponseBytes),
		slog.Int64("response_cache_bytes", max(c.ResponseCacheBytes, 0)), slog.Duration("public_max_age", c.PublicMaxAge),
		slog.Int("synthetic_scale", c.SyntheticScale),
	)
}
