package cost

import (
	"context"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"
)

// Code is the extensions.code of an operation refused for its cost, depth
// or number of fields.
const Code = "COMPLEXITY_LIMIT_EXCEEDED"

const statsKey = "marrakechgraph/cost"

// Extension refuses operations over the limits before they run and reports
// each operation's measure in the answer's extensions.cost.
type Extension struct {
	Limits Limits
	schema *ast.Schema
}

var (
	_ graphql.HandlerExtension        = (*Extension)(nil)
	_ graphql.OperationContextMutator = (*Extension)(nil)
	_ graphql.ResponseInterceptor     = (*Extension)(nil)
)

// ExtensionName names the extension for gqlgen.
func (e *Extension) ExtensionName() string { return "CostLimit" }

// Validate keeps the schema the operations are measured against.
func (e *Extension) Validate(schema graphql.ExecutableSchema) error {
	e.schema = schema.Schema()
	e.Limits = e.Limits.WithDefaults()
	return nil
}

// Report is what extensions.cost says of an operation.
type Report struct {
	// Requested is the operation's cost: the most fields its answer can hold.
	Requested int `json:"requested"`
	// Limit is the most an operation may request.
	Limit int `json:"limit"`
	// Depth and Fields measure the operation's shape, against MaxDepth
	// and MaxFields.
	Depth     int `json:"depth"`
	MaxDepth  int `json:"maxDepth"`
	Fields    int `json:"fields"`
	MaxFields int `json:"maxFields"`
}

func (e *Extension) report(m Measure) Report {
	return Report{Requested: m.Cost, Limit: e.Limits.MaxCost, Depth: m.Depth, MaxDepth: e.Limits.MaxDepth, Fields: m.Fields, MaxFields: e.Limits.MaxFields}
}

// MaxNameLength bounds the names of a document (fields, aliases,
// arguments, fragments, variables): the schema's are far shorter, and
// validating a megabyte-long name (suggesting close ones) takes a core
// for a second.
const MaxNameLength = 128

// MutateOperationParameters refuses a document with a name over
// MaxNameLength before it is parsed. The scan is one pass of the lexer.
func (e *Extension) MutateOperationParameters(ctx context.Context, raw *graphql.RawParams) *gqlerror.Error {
	if len(raw.Query) <= MaxNameLength {
		return nil
	}
	lex := lexer.New(&ast.Source{Input: raw.Query})
	for {
		tok, err := lex.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			return nil // the parser reports lexical errors
		}
		if tok.Kind == lexer.Name && len(tok.Value) > MaxNameLength {
			err := gqlerror.Errorf("a name of %d characters at line %d, column %d: names are at most %d characters", len(tok.Value), tok.Pos.Line, tok.Pos.Column, MaxNameLength)
			errcode.Set(err, errcode.ParseFailed)
			return err
		}
	}
}

// MutateOperationContext measures the operation and refuses it when it is
// over a limit.
func (e *Extension) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	op := oc.Operation
	if op == nil {
		op = oc.Doc.Operations.ForName(oc.OperationName)
	}
	if op == nil {
		return nil
	}
	m := Operation(e.schema, oc.Doc, op, oc.Variables, e.Limits)
	r := e.report(m)
	oc.Stats.SetExtension(statsKey, r)
	if _, msg := m.Over(e.Limits); msg != "" {
		err := gqlerror.Errorf("%s", msg)
		errcode.Set(err, Code)
		err.Extensions["cost"] = r
		return err
	}
	return nil
}

type resolvedKey struct{}

// InterceptResponse adds extensions.cost to every answer, and counts the
// fields resolved for it (see InterceptField).
func (e *Extension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(context.WithValue(ctx, resolvedKey{}, new(atomic.Int64)))
	if resp == nil {
		return resp
	}
	capErrors(resp)
	if !graphql.HasOperationContext(ctx) {
		return resp
	}
	r, ok := graphql.GetOperationContext(ctx).Stats.GetExtension(statsKey).(Report)
	if !ok {
		return resp
	}
	if resp.Extensions == nil {
		resp.Extensions = map[string]any{}
	}
	resp.Extensions["cost"] = r
	return resp
}

// MaxErrors bounds the errors of one answer: the rest are counted in one
// last error.
const MaxErrors = 50

func capErrors(resp *graphql.Response) {
	if len(resp.Errors) <= MaxErrors {
		return
	}
	more := len(resp.Errors) - MaxErrors
	last := gqlerror.Errorf("%d more errors, like the ones above", more)
	last.Extensions = map[string]any{"code": resp.Errors[MaxErrors-1].Extensions["code"]}
	resp.Errors = append(resp.Errors[:MaxErrors:MaxErrors], last)
}

// InterceptField stops an answer that grows past the cost limit while it
// runs: the measure bounds it beforehand by the sizes the schema declares,
// and this bounds it whatever the data holds. The fields over the limit
// resolve to an error instead of their value.
//
// A request whose client has gone, or whose deadline has passed, resolves
// no further field.
func (e *Extension) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if n, ok := ctx.Value(resolvedKey{}).(*atomic.Int64); ok && n.Add(1) > int64(e.Limits.MaxCost) {
		err := gqlerror.Errorf("the answer grew past %d fields, the cost limit: ask for fewer items", e.Limits.MaxCost)
		errcode.Set(err, Code)
		return nil, err
	}
	return next(ctx)
}
