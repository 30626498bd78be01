package httpapi

import (
	"log/slog"
	"net/http"
	"strings"

	"marrakechgraph/auth"
	"marrakechgraph/kg"
)

// authenticate attaches the caller's principal to the request: public
// without an Authorization header, the key's principal with a valid
// "Bearer <token>". Any other Authorization gets 401 at once: a client that
// sent a key must not be served as public by mistake.
func authenticate(keys Keys, log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header := r.Header.Get("Authorization")
		if header == "" {
			// No principal in the context reads as auth.Public.
			next.ServeHTTP(w, r)
			return
		}
		scheme, token, _ := strings.Cut(header, " ")
		if !strings.EqualFold(scheme, "Bearer") {
			refuse(w, http.StatusUnauthorized, kg.CodeUnauthenticated, "use Authorization: Bearer <API key>")
			return
		}
		p, err := keys.Verify(r.Context(), strings.TrimSpace(token))
		if err != nil {
			switch code := kg.ErrorCode(err); code {
			case kg.CodeUnauthenticated:
				refuse(w, http.StatusUnauthorized, code, kg.ClientMessage(err))
			case kg.CodeUnavailable:
				refuse(w, http.StatusServiceUnavailable, code, kg.ClientMessage(err))
			default:
				log.ErrorContext(r.Context(), "verify API key", "err", err)
				refuse(w, http.StatusInternalServerError, kg.CodeInternal, "internal error")
			}
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
	})
}

func refuse(w http.ResponseWriter, status int, code kg.Code, msg string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="marrakechgraph"`)
	}
	writeJSON(w, status, map[string]any{"errors": []map[string]any{{
		"message": msg, "extensions": map[string]string{"code": string(code)},
	}}})
}

// requirePermission lets through only callers whose principal has perm.
func requirePermission(perm auth.Permission, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := auth.Require(r.Context(), perm); err != nil {
			status := http.StatusForbidden
			if kg.ErrorCode(err) == kg.CodeUnauthenticated {
				status = http.StatusUnauthorized
			}
			refuse(w, status, kg.ErrorCode(err), kg.ClientMessage(err))
			return
		}
		next.ServeHTTP(w, r)
	})
}
