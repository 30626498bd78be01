package respcache

import (
	"encoding/binary"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/lexer"
)

// NormalizeQuery returns a form of a GraphQL document that is the same for
// documents that differ only in what GraphQL ignores: white space, commas
// and comments. It is a key, not a document; ok is false when the document
// does not lex (the server answers it with its own error).
func NormalizeQuery(query string) (normal string, ok bool) {
	lex := lexer.New(&ast.Source{Input: query})
	var b strings.Builder
	b.Grow(len(query))
	for {
		tok, err := lex.ReadToken()
		if err != nil {
			return "", false
		}
		switch tok.Kind {
		case lexer.EOF:
			return b.String(), true
		case lexer.Comment:
			continue
		}
		// The kind keeps a string "a" apart from a name a; the value's
		// length keeps token boundaries unambiguous.
		b.WriteByte(byte(tok.Kind))
		b.Write(binary.AppendUvarint(nil, uint64(len(tok.Value))))
		b.WriteString(tok.Value)
	}
}
