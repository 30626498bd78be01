package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// Query is one GraphQL operation the load run sends.
type Query struct {
	// Name is the operation's name, else its first top-level field.
	Name string
	// Document is the GraphQL document as written.
	Document string
	// Operation is the operation to run when the document holds several.
	Operation string
}

// Body is the JSON request body of the query, as a client POSTs it.
func (q Query) Body() ([]byte, error) {
	req := struct {
		Query         string `json:"query"`
		OperationName string `json:"operationName,omitempty"`
	}{q.Document, q.Operation}
	b, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("request body of %s: %w", q.Name, err)
	}
	return b, nil
}

// graphqlBlock is a fenced GraphQL example of the README, as the README
// test reads them.
var graphqlBlock = regexp.MustCompile("(?s)```graphql\n(.*?)```")

// trivialQuery costs the API nothing beyond parsing and writing.
const trivialQuery = "{ __typename }"

// activationPlanQuery is an activation plan for a country: the run measures
// one when the README shows none.
const activationPlanQuery = `{
  activationPlan(situation: {
    country: "GT", threats: ["threat-type:budget-cuts"], targets: [INSTITUTION]
  }) {
    country { name }
    nhriAccreditation { status referenceYear }
    notes
    recommendations { rank channel { name } score specificity reasons howToActivate requiresConsent }
    considerations { channel { name } risk howToActivate }
    notApplicable { channel { name } reason }
  }
}`

// defaultQueries are the README's queries, then a trivial query and an
// activation plan, each left out when a README query has its name already.
func defaultQueries(readme []byte) ([]Query, error) {
	qs, err := readmeQueries(readme)
	if err != nil {
		return nil, err
	}
	taken := map[string]bool{}
	for _, q := range qs {
		taken[q.Name] = true
	}
	for _, doc := range []string{trivialQuery, activationPlanQuery} {
		extra, err := documentQueries(doc)
		if err != nil {
			return nil, fmt.Errorf("built-in query %q: %w", doc, err)
		}
		for _, q := range extra {
			if !taken[q.Name] {
				taken[q.Name] = true
				qs = append(qs, q)
			}
		}
	}
	return qs, nil
}

// readmeQueries extracts the queries of the README's ```graphql blocks, in
// their order; mutations and subscriptions are left out. Names are made
// unique with a suffix (-2, -3…).
func readmeQueries(readme []byte) ([]Query, error) {
	var qs []Query
	seen := map[string]int{}
	for i, m := range graphqlBlock.FindAllSubmatch(readme, -1) {
		found, err := documentQueries(string(m[1]))
		if err != nil {
			return nil, fmt.Errorf("README GraphQL example %d: %w", i+1, err)
		}
		for _, q := range found {
			seen[q.Name]++
			if n := seen[q.Name]; n > 1 {
				q.Name = fmt.Sprintf("%s-%d", q.Name, n)
			}
			qs = append(qs, q)
		}
	}
	return qs, nil
}

// documentQueries lists the query operations of a GraphQL document.
func documentQueries(doc string) ([]Query, error) {
	parsed, err := parser.ParseQuery(&ast.Source{Input: doc})
	if err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	var qs []Query
	for _, op := range parsed.Operations {
		if op.Operation != ast.Query {
			continue
		}
		q := Query{Name: op.Name, Document: strings.TrimSpace(doc)}
		if len(parsed.Operations) > 1 {
			q.Operation = op.Name
		}
		if q.Name == "" {
			q.Name = firstField(op.SelectionSet, parsed.Fragments, map[string]bool{})
		}
		if q.Name == "" {
			return nil, fmt.Errorf("an operation selects no field")
		}
		qs = append(qs, q)
	}
	return qs, nil
}

// firstField names the first field a selection set selects, through
// fragments (each followed once, so a cycle ends).
func firstField(set ast.SelectionSet, fragments ast.FragmentDefinitionList, followed map[string]bool) string {
	for _, s := range set {
		switch s := s.(type) {
		case *ast.Field:
			return s.Name
		case *ast.InlineFragment:
			if name := firstField(s.SelectionSet, fragments, followed); name != "" {
				return name
			}
		case *ast.FragmentSpread:
			if f := fragments.ForName(s.Name); f != nil && !followed[s.Name] {
				followed[s.Name] = true
				if name := firstField(f.SelectionSet, fragments, followed); name != "" {
					return name
				}
			}
		}
	}
	return ""
}
