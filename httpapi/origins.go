package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/rs/cors"
)

// origins is the one rule that decides which web pages may call the API
// from a browser, over HTTP (CORS) and over WebSockets alike: pages of the
// API's own origin, and pages of the configured origins. Requests without
// an Origin header (programs, not browsers) are not concerned.
type origins struct {
	any     bool
	allowed map[string]bool
}

// CheckOrigins checks configured origins: "*" alone, or origins written as
// browsers send them, scheme://host[:port] with scheme http or https and
// nothing after (no path, not even a trailing slash).
func CheckOrigins(list []string) error {
	_, err := parseOrigins(list)
	return err
}

func parseOrigins(list []string) (origins, error) {
	o := origins{allowed: map[string]bool{}}
	for _, s := range list {
		if s == "*" {
			if len(list) > 1 {
				return origins{}, fmt.Errorf("origin \"*\" allows every origin: list it alone")
			}
			o.any = true
			continue
		}
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
			return origins{}, fmt.Errorf("origin %q must be scheme://host[:port] with scheme http or https, for example https://dashboard.example.org", s)
		}
		if u.Path != "" || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "#") {
			return origins{}, fmt.Errorf("origin %q must end after the host and port (browsers send no path, not even %q): use %q", s, "/", u.Scheme+"://"+u.Host)
		}
		o.allowed[strings.ToLower(u.Scheme+"://"+u.Host)] = true
	}
	return o, nil
}

// allows reports whether a page of this origin may call the API.
func (o origins) allows(origin string) bool {
	return o.any || o.allowed[strings.ToLower(origin)]
}

// allowsRequest applies the rule to a request: no Origin header, the
// API's own origin, or an allowed one.
func (o origins) allowsRequest(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if u, err := url.Parse(origin); err == nil && strings.EqualFold(u.Host, r.Host) {
		return true
	}
	return o.allows(origin)
}

// cors answers preflights and adds CORS headers for the allowed origins
// only; with none configured, no cross-origin page can read an answer.
func (o origins) cors() *cors.Cors {
	opts := cors.Options{
		AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		AllowedHeaders: []string{"Content-Type", "Authorization", "Accept"},
		MaxAge:         600,
	}
	if o.any {
		opts.AllowedOrigins = []string{"*"}
	} else {
		opts.AllowOriginFunc = o.allows
	}
	return cors.New(opts)
}

// refuseWebsocketsFrom closes the door to WebSocket upgrades from pages
// the rule does not allow, before the GraphQL transport accepts them.
func (o origins) refuseWebsocketsFrom(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") && !o.allowsRequest(r) {
			writeJSON(w, http.StatusForbidden, map[string]any{"errors": []map[string]any{{
				"message": "this origin may not call the API from a browser", "extensions": map[string]string{"code": "FORBIDDEN"},
			}}})
			return
		}
		next.ServeHTTP(w, r)
	})
}
