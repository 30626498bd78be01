// Package apitest builds the API over a store for tests as main builds it
// (compose, in server.go): the services, each once and on one clock, then
// the resolvers over them, then what the HTTP handler takes besides its
// settings.
package apitest

import (
	"time"

	"marrakechgraph/advisor"
	"marrakechgraph/auth"
	"marrakechgraph/directory"
	"marrakechgraph/httpapi"
	"marrakechgraph/kg"
	"marrakechgraph/resolvers"
	"marrakechgraph/threatlog"
)

// Options returns the HTTP settings o completed over the store s, for
// httpapi.New or httpapi.GraphQL.
func Options(s kg.Store, o httpapi.Options) httpapi.Options {
	return OptionsWithLoaderWait(s, o, resolvers.DefaultLoaderWait)
}

// OptionsWithLoaderWait is Options with loaders that gather keys for wait
// before each store call.
func OptionsWithLoaderWait(s kg.Store, o httpapi.Options, wait time.Duration) httpapi.Options {
	clock := time.Now
	keys := &auth.Keys{Store: s, Now: clock}
	feed := &threatlog.Feed{Store: s, Logger: o.Logger}
	o.Schema = resolvers.New(resolvers.Services{
		Store:     s,
		Keys:      keys,
		ThreatLog: &threatlog.Log{Store: s, Feed: feed, Now: clock},
		Feed:      feed,
		Directory: &directory.Directory{Store: s, Now: clock},
		Advisor:   &advisor.Advisor{Store: s},
	}, wait)
	o.Keys, o.Store = keys, s
	return o
}
