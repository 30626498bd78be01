package main

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/cost"
	"marrakechgraph/httpapi"
	"marrakechgraph/respcache"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestConfigDefaults(t *testing.T) {
	c, err := parseConfig(nil, envOf(nil), io.Discard)
	require.NoError(t, err)
	assert.Equal(t, ":8080", c.Addr)
	assert.Equal(t, "embedded", c.Store)
	assert.Equal(t, "./data", c.DataDir)
	assert.Empty(t, c.CORSOrigins, "no cross-origin access unless configured")
	assert.Equal(t, slog.LevelInfo, c.LogLevel)
	assert.Equal(t, cost.Limits{}.WithDefaults(), c.Limits)
	assert.Equal(t, httpapi.RateLimits{Public: httpapi.DefaultPublicRate, Keyed: httpapi.DefaultKeyedRate}, c.RateLimits)
	assert.Equal(t, int64(respcache.DefaultMaxBytes), c.ResponseCacheBytes, "the answer cache is on")
	assert.Equal(t, httpapi.DefaultPublicMaxAge, c.PublicMaxAge)
}

func TestConfigAnswerCache(t *testing.T) {
	c, err := parseConfig([]string{"-response-cache-bytes", "0"}, envOf(nil), io.Discard)
	require.NoError(t, err)
	assert.Negative(t, c.ResponseCacheBytes, "0 turns the cache off")
	c, err = parseConfig(nil, envOf(map[string]string{"RESPONSE_CACHE_BYTES": "1048576", "PUBLIC_MAX_AGE": "5m"}), io.Discard)
	require.NoError(t, err)
	assert.Equal(t, int64(1<<20), c.ResponseCacheBytes)
	assert.Equal(t, 5*time.Minute, c.PublicMaxAge)
	assert.Zero(t, c.SyntheticScale, "no synthetic graph unless asked")
}

func TestConfigSyntheticScale(t *testing.T) {
	c, err := parseConfig([]string{"-synthetic-scale", "100"}, envOf(map[string]string{"SYNTHETIC_SCALE": "10"}), io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 100, c.SyntheticScale)
	c, err = parseConfig(nil, envOf(map[string]string{"SYNTHETIC_SCALE": " 10 "}), io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 10, c.SyntheticScale)
}

func TestConfigFlagsWinOverEnvironment(t *testing.T) {
	env := envOf(map[string]string{"ADDR": ":9000", "DATA_DIR": "/var/lib/mg", "CORS_ORIGINS": "https://a.example, https://b.example ,"})
	c, err := parseConfig([]string{"-addr", "127.0.0.1:7000"}, env, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:7000", c.Addr)
	assert.Equal(t, "/var/lib/mg", c.DataDir)
	assert.Equal(t, []string{"https://a.example", "https://b.example"}, c.CORSOrigins)

	c, err = parseConfig([]string{"-max-cost", "900"}, envOf(map[string]string{"MAX_COST": "100", "MAX_DEPTH": "7"}), io.Discard)
	require.NoError(t, err)
	assert.Equal(t, cost.Limits{MaxCost: 900, MaxDepth: 7, MaxFields: cost.DefaultMaxFields}, c.Limits)
}

func TestConfigErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		args []string
		env  map[string]string
		want string
	}{
		"unknown store":         {nil, map[string]string{"STORE": "postgres"}, "STORE must be"},
		"neo4j without URI":     {[]string{"-store", "neo4j"}, nil, "NEO4J_URI"},
		"neo4j URI scheme":      {nil, map[string]string{"STORE": "neo4j", "NEO4J_URI": "http://db:7474"}, "NEO4J_URI"},
		"neo4j URI host":        {nil, map[string]string{"STORE": "neo4j", "NEO4J_URI": "bolt://"}, "NEO4J_URI"},
		"bad log level":         {nil, map[string]string{"LOG_LEVEL": "loud"}, "LOG_LEVEL"},
		"stray argument":        {[]string{"serve"}, nil, "unexpected argument"},
		"unknown flag":          {[]string{"-port", "1"}, nil, "flag provided but not defined"},
		"empty data dir flag":   {[]string{"-data-dir", ""}, nil, "DATA_DIR"},
		"cost not a number":     {nil, map[string]string{"MAX_COST": "lots"}, "MAX_COST"},
		"zero depth":            {[]string{"-max-depth", "0"}, nil, "MAX_DEPTH"},
		"cache size in words":   {nil, map[string]string{"RESPONSE_CACHE_BYTES": "big"}, "RESPONSE_CACHE_BYTES"},
		"negative cache size":   {[]string{"-response-cache-bytes", "-5"}, nil, "RESPONSE_CACHE_BYTES"},
		"public max age zero":   {nil, map[string]string{"PUBLIC_MAX_AGE": "0s"}, "PUBLIC_MAX_AGE"},
		"negative fields":       {nil, map[string]string{"MAX_FIELDS": "-5"}, "MAX_FIELDS"},
		"origin with a slash":   {nil, map[string]string{"CORS_ORIGINS": "https://a.example/"}, `use "https://a.example"`},
		"origin with a path":    {nil, map[string]string{"CORS_ORIGINS": "https://a.example/app"}, "CORS_ORIGINS"},
		"origin without scheme": {nil, map[string]string{"CORS_ORIGINS": "a.example"}, "CORS_ORIGINS"},
		"bad timeout":           {nil, map[string]string{"REQUEST_TIMEOUT": "soon"}, "REQUEST_TIMEOUT"},
		"zero timeout":          {[]string{"-request-timeout", "0s"}, nil, "REQUEST_TIMEOUT"},
		"rate not a number":     {nil, map[string]string{"RATE_LIMIT_PUBLIC": "fast"}, "RATE_LIMIT_PUBLIC"},
		"negative rate":         {[]string{"-rate-limit-keyed", "-1"}, nil, "RATE_LIMIT_KEYED"},
		"star among others":     {nil, map[string]string{"CORS_ORIGINS": "*,https://a.example"}, "alone"},
		"scale not a number":    {nil, map[string]string{"SYNTHETIC_SCALE": "x10"}, "SYNTHETIC_SCALE"},
		"negative scale":        {[]string{"-synthetic-scale", "-1"}, nil, "SYNTHETIC_SCALE"},
		"scale too large":       {nil, map[string]string{"SYNTHETIC_SCALE": "1001"}, "SYNTHETIC_SCALE"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := parseConfig(tc.args, envOf(tc.env), io.Discard)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestConfigLogMasksThePassword(t *testing.T) {
	c, err := parseConfig(nil, envOf(map[string]string{"STORE": "neo4j", "NEO4J_URI": "neo4j+s://db.example:7687", "NEO4J_PASSWORD": "hunter2-secret"}), io.Discard)
	require.NoError(t, err)
	var b strings.Builder
	slog.New(slog.NewJSONHandler(&b, nil)).Info("starting", "config", c)
	assert.NotContains(t, b.String(), "hunter2-secret")
	assert.Contains(t, b.String(), `"neo4j_password":"********"`)
	assert.Contains(t, b.String(), "neo4j+s://db.example:7687")
}
