// Command marrakechgraph serves the Marrakech Graph GraphQL API: the
// knowledge graph of GANHRI's Global Action Plan on human rights defenders
// and civic space, with GraphiQL at "/".
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"marrakechgraph/advisor"
	"marrakechgraph/auth"
	"marrakechgraph/directory"
	"marrakechgraph/embedded"
	"marrakechgraph/explorer"
	"marrakechgraph/graphiql"
	"marrakechgraph/httpapi"
	"marrakechgraph/kg"
	"marrakechgraph/logbuf"
	"marrakechgraph/neo4j"
	"marrakechgraph/resolvers"
	"marrakechgraph/seed"
	"marrakechgraph/synth"
	"marrakechgraph/threatlog"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "marrakechgraph:", err)
		os.Exit(1)
	}
}

const (
	shutdownTimeout = 20 * time.Second
	// neo4jConnectTimeout bounds the wait for an unreachable database, so
	// that a misconfigured server exits well within 15 s.
	neo4jConnectTimeout = 10 * time.Second
	// seedTimeout bounds loading the seed: one large change set, longer
	// than a store call may take by default (neo4j.DefaultCallTimeout).
	seedTimeout = 10 * time.Minute
)

// run starts the server and blocks until ctx is cancelled, then shuts down
// gracefully.
func run(ctx context.Context, args []string, getenv func(string) string) error {
	if len(args) > 0 {
		switch args[0] {
		case "keys":
			return runKeys(ctx, args[1:], getenv, os.Stdout)
		case "nhris":
			return runNHRIs(ctx, args[1:], getenv, os.Stdout)
		}
	}
	start := time.Now()
	cfg, err := parseConfig(args, getenv, os.Stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("configuration: %w", err)
	}
	// Access lines are written in batches (within logbuf.DefaultInterval);
	// every other line at once.
	logs := logbuf.New(os.Stderr, 0)
	defer logs.Close()
	log := slog.New(logbuf.Handler(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: cfg.LogLevel}), logs, httpapi.AccessLogMessage))
	slog.SetDefault(log)
	log.Info("starting", "config", cfg)

	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() {
		if err := store.Close(); err != nil {
			log.Error("closing store", "err", err)
		}
	}()

	seedCtx, cancelSeed := context.WithTimeout(ctx, seedTimeout)
	res, err := seed.Apply(seedCtx, store)
	cancelSeed()
	if err != nil {
		return err
	}
	log.Info("seed loaded", "created", res.Created, "updated", res.Updated, "deleted", res.Deleted, "unchanged", res.Unchanged)
	if cfg.SyntheticScale > 0 {
		began := time.Now()
		grown, err := synth.Apply(ctx, store, cfg.SyntheticScale)
		if err != nil {
			return err
		}
		log.Info("synthetic graph loaded", "scale", grown.Scale, "nodes", grown.Nodes, "edges", grown.Edges, "incidents", grown.Incidents,
			"responses", grown.Responses, "created", grown.Created, "unchanged", grown.Unchanged, "ms", time.Since(began).Milliseconds())
	}

	handler, threatLog := compose(store, time.Now, httpapi.Options{
		Logger: log, CORSOrigins: cfg.CORSOrigins, Root: pages(), Limits: cfg.Limits, RateLimits: cfg.RateLimits,
		RequestTimeout: cfg.RequestTimeout, MaxResponseBytes: cfg.MaxResponseBytes,
		ResponseCacheBytes: cfg.ResponseCacheBytes, PublicMaxAge: cfg.PublicMaxAge,
	})
	// Reading, seeding and growing the graph leave garbage of several
	// times its size; it goes back to the system before the first request.
	debug.FreeOSMemory()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String(), "graphiql", "http://"+displayAddr(ln.Addr()), "startup_ms", time.Since(start).Milliseconds())

	// The threat log is counted once, beside the first requests rather than
	// before them, so that Head Office's first statistics do not wait for
	// every incident to be read, nor the start for the count (statistics
	// asked meanwhile wait for it). A failure is not fatal: the next
	// statistics count again. The store stays open until the count ends.
	prepared := make(chan struct{})
	go func() {
		defer close(prepared)
		counted := time.Now()
		if n, err := threatLog.Prepare(ctx); err != nil {
			log.Warn("counting the threat log", "err", err)
		} else {
			log.Info("threat log counted", "incidents", n, "ms", time.Since(counted).Milliseconds())
		}
	}()
	defer func() { <-prepared }()

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// compose builds the API over a store: the services, each once and on the
// one clock, then the resolvers over them, then the HTTP handler, which also
// takes the API keys (to check them) and the store (to export the graph and
// tell readiness). o holds the HTTP settings. It returns the handler and
// the threat log it serves, to be prepared before the first request.
//
// The embedded store answers from memory: the loaders read from it at once
// rather than wait for sibling fields to share a call.
func compose(store kg.Store, clock func() time.Time, o httpapi.Options) (http.Handler, *threatlog.Log) {
	wait := resolvers.DefaultLoaderWait
	if _, inMemory := store.(*embedded.Store); inMemory {
		wait = resolvers.ReadAtOnce
	}
	keys := &auth.Keys{Store: store, Now: clock}
	feed := &threatlog.Feed{Store: store, Logger: o.Logger}
	threatLog := &threatlog.Log{Store: store, Feed: feed, Now: clock}
	o.Schema = resolvers.New(resolvers.Services{
		Store:     store,
		Keys:      keys,
		ThreatLog: threatLog,
		Feed:      feed,
		Directory: &directory.Directory{Store: store, Now: clock},
		Advisor:   &advisor.Advisor{Store: store},
	}, wait)
	o.Keys, o.Store = keys, store
	return httpapi.New(o), threatLog
}

// openStore opens the configured backend.
func openStore(ctx context.Context, cfg config) (kg.Store, error) {
	switch cfg.Store {
	case storeEmbedded:
		s, err := embedded.Open(cfg.DataDir)
		if err != nil {
			return nil, fmt.Errorf("open embedded store in %s: %w", cfg.DataDir, err)
		}
		return s, nil
	case storeNeo4j:
		s, err := neo4j.Open(ctx, neo4j.Config{
			URI: cfg.Neo4jURI, User: cfg.Neo4jUser, Password: cfg.Neo4jPassword, Database: cfg.Neo4jDatabase,
			ConnectTimeout: neo4jConnectTimeout,
		})
		if err != nil {
			return nil, fmt.Errorf("open neo4j store: %w", err)
		}
		return s, nil
	default:
		return nil, fmt.Errorf("unknown store %q", cfg.Store)
	}
}

// displayAddr turns a listen address into one a browser can open.
func displayAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || tcp.IP.IsUnspecified() {
		if ok {
			return fmt.Sprintf("localhost:%d", tcp.Port)
		}
	}
	return a.String()
}

// pages serves the browser pages: the explorer at /explore, GraphiQL at /
// (and 404 below it for anything else).
func pages() http.Handler {
	mux := http.NewServeMux()
	ex := explorer.Handler()
	mux.Handle(explorer.Path, ex)
	mux.Handle(explorer.Path+"/", ex)
	mux.Handle("/", graphiql.Handler(graphiql.Options{ExplorerURL: explorer.Path}))
	return mux
}
