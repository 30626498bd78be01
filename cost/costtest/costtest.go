// Package costtest writes the GraphQL documents that once exhausted the
// server (issue findings 1 to 3), for the tests that replay them: the
// measure's unit tests, the fuzz corpus and the attack suite.
package costtest

import (
	"fmt"
	"strings"
)

// NestedRelationships follows a mechanism's relationships depth levels
// deep: each level multiplies the answer by the mechanism's degree.
func NestedRelationships(depth int) string {
	inner := "id"
	for range depth {
		inner = "id ... on Mechanism { relationships { node { " + inner + " } } }"
	}
	return `{ node(id: "mechanism:un-asg-reprisals") { ` + inner + ` } }`
}

// DoublingFragments is a document whose every fragment spreads the next
// one twice: expanded, it selects about 2^levels fields.
func DoublingFragments(levels int) string {
	var b strings.Builder
	b.WriteString("query { ...F0 }\n")
	for i := range levels {
		fmt.Fprintf(&b, "fragment F%d on Query { ...F%d ...F%d viewer { role } }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Query { viewer { role } }\n", levels)
	return b.String()
}

// AliasedSearches asks for n searches of 500 results each, under aliases.
func AliasedSearches(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, ` a%d: search(text: "a", first: 500) { id }`, i)
	}
	b.WriteString(" }")
	return b.String()
}
