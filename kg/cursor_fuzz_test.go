package kg_test

import (
	"testing"
	"unicode/utf8"

	"marrakechgraph/kg"
)

// maxCursorMessage bounds the message of a refused cursor: it may quote
// the start of the cursor, never the whole of a long one.
const maxCursorMessage = 300

// FuzzCursor decodes arbitrary strings as cursors and round-trips cursors
// built from arbitrary values: decoding never panics, a refused cursor is
// BAD_USER_INPUT with a short message, a cursor that decodes encodes back to
// one that decodes the same, and Encode then DecodeCursor gives back the
// cursor encoded.
func FuzzCursor(f *testing.F) {
	for _, v := range []any{"Lifeline", int64(2021), true, nil} {
		f.Add(kg.Cursor{OrderBy: "year", Desc: true, Value: v, ID: "instrument:x"}.Encode(), "year", true, "Lifeline", int64(2021), uint8(0), "instrument:x")
	}
	for _, s := range []string{"", "!!!", "e30", "eyJvIjoieWVhciJ9", "eyJvIjoibmFtZSIsInYiOjEuNSwiaSI6IngifQ",
		"eyJvIjoibmFtZSIsInYiOnsiYSI6MX0sImkiOiJ4In0", "eyJvIjoibmFtZSIsInYiOjFlMzA5LCJpIjoieCJ9", "bnVsbA"} {
		f.Add(s, "name", false, "", int64(0), uint8(1), "nhri:ke-knchr")
	}
	f.Add("eyJvIjoibmFtZSIsInYiOiLvv70iLCJpIjoieCJ9", "name", false, "\u00e9\u2028", int64(-1<<63), uint8(2), "x")

	f.Fuzz(func(t *testing.T, s, orderBy string, desc bool, str string, n int64, kind uint8, id string) {
		c, err := kg.DecodeCursor(s, orderBy, desc)
		if err != nil {
			if code := kg.ErrorCode(err); code != kg.CodeBadUserInput {
				t.Fatalf("DecodeCursor(%q): code %s, want %s: %v", s, code, kg.CodeBadUserInput, err)
			}
			if msg := kg.ClientMessage(err); len(msg) > maxCursorMessage {
				t.Fatalf("DecodeCursor: message of %d bytes, over %d", len(msg), maxCursorMessage)
			}
		} else {
			if c.ID == "" || c.OrderBy != orderBy || c.Desc != desc {
				t.Fatalf("DecodeCursor(%q, %q, %v) accepted %#v", s, orderBy, desc, c)
			}
			again, err := kg.DecodeCursor(c.Encode(), orderBy, desc)
			if err != nil || again != c {
				t.Fatalf("decoded cursor %#v does not round-trip: %#v, %v", c, again, err)
			}
		}

		// Stored values are valid UTF-8 (GraphQL strings, JSON), and a
		// cursor always names a node.
		if id == "" || !utf8.ValidString(id) || !utf8.ValidString(orderBy) || !utf8.ValidString(str) {
			return
		}
		want := kg.Cursor{OrderBy: orderBy, Desc: desc, ID: id}
		switch kind % 4 {
		case 0:
			want.Value = str
		case 1:
			want.Value = n
		case 2:
			want.Value = n%2 == 0
		}
		got, err := kg.DecodeCursor(want.Encode(), orderBy, desc)
		if err != nil {
			t.Fatalf("cursor %#v does not decode: %v", want, err)
		}
		if got != want {
			t.Fatalf("cursor %#v decodes as %#v", want, got)
		}
	})
}

// FuzzKeyCursor decodes arbitrary strings as cursors of orders of several
// keys: decoding never panics, a refused cursor is BAD_USER_INPUT, and a
// cursor that decodes holds one value per key, an integer for a count.
func FuzzKeyCursor(f *testing.F) {
	orders := []kg.Order{{By: "year", Desc: true}, {Count: &kg.RelCount{Types: []kg.RelType{kg.RelEngages}, Direction: kg.Incoming}}}
	f.Add(kg.KeyCursor{Order: kg.OrderSignature(orders), Values: []any{int64(2021), int64(3)}, ID: "mechanism:x"}.Encode())
	f.Add(kg.KeyCursor{Order: kg.OrderSignature(orders), Values: []any{nil, "3"}, ID: "mechanism:x"}.Encode())
	f.Add("e30")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := kg.DecodeKeyCursor(s, orders)
		if err != nil {
			if code := kg.ErrorCode(err); code != kg.CodeBadUserInput {
				t.Fatalf("DecodeKeyCursor(%q): code %s: %v", s, code, err)
			}
			return
		}
		if c.ID == "" || len(c.Values) != len(orders) {
			t.Fatalf("DecodeKeyCursor(%q) accepted %#v", s, c)
		}
		if _, ok := c.Values[1].(int64); !ok {
			t.Fatalf("DecodeKeyCursor(%q): count %#v is not an integer", s, c.Values[1])
		}
	})
}
