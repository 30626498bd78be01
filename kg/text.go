package kg

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// SearchTerms splits a free-text query into lower-case words.
func SearchTerms(text string) []string {
	return strings.Fields(strings.ToLower(text))
}

// SearchText is the lower-cased text a node is searched in: its title
// (name and acronym) and its body (description and text). A store that
// holds nodes in memory can keep each node's, so that a search lower-cases
// nothing (RankSearchTexts).
type SearchText struct {
	Title, Body string
	// name and acronym are lower-cased apart, for the exact and prefix
	// scores.
	name, acronym string
}

// SearchTextOf returns the text n is searched in.
func SearchTextOf(n *Node) SearchText {
	name, acr := strings.ToLower(n.Name), strings.ToLower(n.Acronym)
	return SearchText{
		Title: name + " " + acr,
		Body:  strings.ToLower(n.Description + " " + n.Props.String(PropText)),
		name:  name, acronym: acr,
	}
}

// MatchesText reports whether every term occurs in the node's name,
// acronym, description or text (case-insensitive substring match). No terms
// match everything.
func MatchesText(n *Node, terms []string) bool {
	if len(terms) == 0 {
		return true
	}
	t := SearchTextOf(n)
	return containsAll(t.Title, t.Body, terms)
}

// containsAll reports whether every term occurs in title or body.
func containsAll(title, body string, terms []string) bool {
	for _, t := range terms {
		if !strings.Contains(title, t) && !strings.Contains(body, t) {
			return false
		}
	}
	return true
}

// SearchScore rates how well a node matches a query; 0 means no match.
//
//	100  the whole query is the node's name or acronym
//	 60  the name or acronym starts with the query
//	 40  every term is in the name or acronym
//	 10  every term is somewhere in the name, acronym, description or text
func SearchScore(n *Node, text string) int {
	terms := SearchTerms(text)
	return searchScore(SearchTextOf(n), terms, strings.Join(terms, " "))
}

// searchScore is SearchScore for a node's search text and a query already
// split into terms and joined again (q).
func searchScore(t SearchText, terms []string, q string) int {
	if len(terms) == 0 {
		return 0
	}
	title, body := t.Title, t.Body
	if !containsAll(title, body, terms) {
		return 0
	}
	name, acr := t.name, t.acronym
	switch {
	case q == name || (acr != "" && q == acr):
		return 100
	case strings.HasPrefix(name, q) || (acr != "" && strings.HasPrefix(acr, q)):
		return 60
	}
	for _, t := range terms {
		if !strings.Contains(title, t) {
			return 10
		}
	}
	return 40
}

// RankSearch keeps the nodes that match text, best first (ties by name,
// then ID), at most limit of them.
func RankSearch(nodes []*Node, text string, limit int) []*Node {
	texts := make([]SearchText, len(nodes))
	for i, n := range nodes {
		texts[i] = SearchTextOf(n)
	}
	return RankSearchTexts(nodes, texts, text, limit)
}

// RankSearchTexts is RankSearch where texts[i] is SearchTextOf(nodes[i]).
func RankSearchTexts(nodes []*Node, texts []SearchText, text string, limit int) []*Node {
	type scored struct {
		n *Node
		s int
	}
	var hits []scored
	terms := SearchTerms(text)
	q := strings.Join(terms, " ")
	for i, n := range nodes {
		if s := searchScore(texts[i], terms, q); s > 0 {
			hits = append(hits, scored{n, s})
		}
	}
	slices.SortFunc(hits, func(a, b scored) int {
		if a.s != b.s {
			return b.s - a.s
		}
		if r := strings.Compare(a.n.Name, b.n.Name); r != 0 {
			return r
		}
		return strings.Compare(a.n.ID, b.n.ID)
	})
	if len(hits) > limit {
		hits = hits[:limit]
	}
	out := make([]*Node, len(hits))
	for i, h := range hits {
		out[i] = h.n
	}
	return out
}

// Validate checks a search query.
func (q SearchQuery) Validate() error {
	if len(SearchTerms(q.Text)) == 0 {
		return Errorf(CodeBadUserInput, "search text is empty")
	}
	if len(q.Text) > 200 {
		return Errorf(CodeBadUserInput, "search text is longer than 200 characters")
	}
	if q.Limit < 1 || q.Limit > MaxPageSize {
		return Errorf(CodeBadUserInput, "search limit must be between 1 and %d, got %d", MaxPageSize, q.Limit)
	}
	for _, k := range q.Kinds {
		if !k.Valid() {
			return Errorf(CodeBadUserInput, "unknown kind %q", k)
		}
		if k.Sensitive() {
			return Errorf(CodeBadUserInput, "%s cannot be searched", k)
		}
	}
	return nil
}

// SearchKinds returns the kinds a search looks in: those asked for, or
// every public kind. Sensitive kinds are never searched.
func (q SearchQuery) SearchKinds() []Kind {
	if len(q.Kinds) > 0 {
		return q.Kinds
	}
	return PublicKinds()
}

// LooksLikeFormula reports whether a spreadsheet would run s as a formula
// when it opens a CSV file: s begins, after any spaces, with =, +, -, @, a
// tab or a carriage return (OWASP's rule against CSV injection).
func LooksLikeFormula(s string) bool {
	s = strings.TrimLeft(s, " ")
	return s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0]))
}

// SpreadsheetSafe returns s as a CSV cell that a spreadsheet shows as text:
// a cell that looks like a formula gets a leading apostrophe.
func SpreadsheetSafe(s string) string {
	if LooksLikeFormula(s) {
		return "'" + s
	}
	return s
}

// Excerpt returns the start of s, at most n bytes cut on a rune boundary
// and marked with an ellipsis, for a message that quotes a client's input.
func Excerpt(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
