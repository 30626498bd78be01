package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"regexp"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"marrakechgraph/kg"
)

// presentError gives every error an extensions.code and a message that is
// safe and short: internal details are logged (never a request body or
// variables) and replaced by "internal error"; client mistakes are
// BAD_USER_INPUT or keep GraphQL's codes; a request its client cancelled
// is neither an internal error nor logged as one.
func presentError(log *slog.Logger, enums map[string]bool) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		if gqlErr.Extensions == nil {
			gqlErr.Extensions = map[string]any{}
		}
		var domain *kg.Error
		switch {
		case errors.As(err, &domain):
			gqlErr.Message = kg.ClientMessage(domain)
			gqlErr.Extensions["code"] = string(domain.Code)
			if domain.Code == kg.CodeInternal {
				log.ErrorContext(ctx, "internal error", "path", gqlErr.Path.String(), "err", err)
			}
		case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
			gqlErr.Message = "request cancelled or timed out"
			gqlErr.Extensions["code"] = string(kg.CodeUnavailable)
		case isArgumentValueError(gqlErr) || isEnumValueError(err, enums):
			gqlErr.Extensions["code"] = string(kg.CodeBadUserInput)
		case gqlErr.Extensions["code"] != nil:
			// Parse and validation errors keep gqlgen's codes.
		case isRequestError(err):
			gqlErr.Message = requestMessage(gqlErr.Message)
			gqlErr.Extensions["code"] = string(kg.CodeBadUserInput)
		default:
			log.ErrorContext(ctx, "internal error", "path", gqlErr.Path.String(), "err", kg.Excerpt(err.Error(), 500))
			gqlErr.Message = "internal error"
			gqlErr.Extensions["code"] = string(kg.CodeInternal)
		}
		gqlErr.Message = shortenQuoted(operationMessage(gqlErr.Message))
		return gqlErr
	}
}

// isArgumentValueError reports whether a validation error is about the
// value of an argument or variable (a wrong enum value, a string for an
// integer), which is the client's input rather than the query's shape.
func isArgumentValueError(e *gqlerror.Error) bool {
	if e.Rule == "ValuesOfCorrectType" {
		return true
	}
	if len(e.Path) > 0 {
		if name, ok := e.Path[0].(ast.PathName); ok && name == "variable" {
			return true
		}
	}
	return false
}

// enumValueRE matches the error of a generated enum type that refuses a
// value, such as `un is not a valid MechanismCategory`.
var enumValueRE = regexp.MustCompile(`(?s)^.* is not a valid ([A-Za-z_][A-Za-z0-9_]*)$`)

// isEnumValueError reports whether err is an enum refusing a value that
// the client sent in a variable (inside an input object or a list, where
// validation leaves it to the enum's own decoding).
func isEnumValueError(err error, enums map[string]bool) bool {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if m := enumValueRE.FindStringSubmatch(e.Error()); m != nil && enums[m[1]] {
			return true
		}
	}
	return false
}

// enumNames lists the schema's enum types.
func enumNames(s *ast.Schema) map[string]bool {
	out := map[string]bool{}
	for name, def := range s.Types {
		if def.Kind == ast.Enum {
			out[name] = true
		}
	}
	return out
}

// isRequestError reports whether err is about the request itself, found by
// a transport or extension before any field ran: a body that is not
// JSON, a query that is not a string, a persisted query hash that does not
// match. Such errors carry no path and wrap nothing.
func isRequestError(err error) bool {
	var ge *gqlerror.Error
	return errors.As(err, &ge) && len(ge.Path) == 0 && ge.Err == nil
}

var operationNotFoundRE = regexp.MustCompile(`(?s)^operation (.*) not found$`)

// requestMessage rewrites a transport's message so that it says what to do
// and echoes nothing of the request body.
func requestMessage(msg string) string {
	switch {
	case strings.HasPrefix(msg, "json request body could not be decoded"):
		return `the request body must be a JSON object: {"query": "…", "variables": {…}, "operationName": "…"}`
	case strings.HasPrefix(msg, "could not cleanup body"):
		return "the request body could not be read"
	}
	if before, _, ok := strings.Cut(msg, " body:"); ok {
		msg = before
	}
	return kg.Excerpt(msg, 200)
}

// operationMessage says plainly which operation could not be chosen.
func operationMessage(msg string) string {
	m := operationNotFoundRE.FindStringSubmatch(msg)
	switch {
	case m == nil:
		return msg
	case strings.TrimSpace(m[1]) == "":
		return "the document holds several operations: name the one to run in operationName"
	default:
		return "the document holds no operation of the name given in operationName"
	}
}

var quotedRE = regexp.MustCompile(`"[^"]{65,}"`)

// shortenQuoted cuts the long names and values a message quotes from the
// request (a field name of a megabyte), and the message as a whole.
func shortenQuoted(msg string) string {
	// Invalid UTF-8 would grow threefold when the answer is encoded.
	msg = strings.ToValidUTF8(msg, "?")
	msg = quotedRE.ReplaceAllStringFunc(msg, func(q string) string {
		return `"` + kg.Excerpt(q[1:len(q)-1], 40) + `"`
	})
	return kg.Excerpt(msg, 500)
}
