package kg_test

import (
	"reflect"
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
		f.Add(kg.Cursor{Order: "-year", Values: []any{v}, ID: "instrument:x"}.Encode(), "year", true, "Lifeline", int64(2021), uint8(0), "instrument:x")
	}
	for _, s := range []string{"", "!!!", "e30", "eyJvIjoieWVhciJ9", "eyJvIjoibmFtZSIsInYiOjEuNSwiaSI6IngifQ",
		"eyJvIjoibmFtZSIsInYiOnsiYSI6MX0sImkiOiJ4In0", "eyJvIjoibmFtZSIsInYiOjFlMzA5LCJpIjoieCJ9", "bnVsbA"} {
		f.Add(s, "name", false, "", int64(0), uint8(1), "nhri:ke-knchr")
	}
	f.Add("eyJvIjoibmFtZSIsInYiOiLvv70iLCJpIjoieCJ9", "name", false, "\u00e9\u2028", int64(-1<<63), uint8(2), "x")

	f.Fuzz(func(t *testing.T, s, orderBy string, desc bool, str string, n int64, kind uint8, id string) {
		orders := []kg.Order{{By: orderBy, Desc: desc}}
		c, err := kg.DecodeCursor(s, orders)
		if err != nil {
			if code := kg.ErrorCode(err); code != kg.CodeBadUserInput {
				t.Fatalf("DecodeCursor(%q): code %s, want %s: %v", s, code, kg.CodeBadUserInput, err)
			}
			if msg := kg.ClientMessage(err); len(msg) > maxCursorMessage {
				t.Fatalf("DecodeCursor: message of %d bytes, over %d", len(msg), maxCursorMessage)
			}
		} else {
			if c.ID == "" || c.Order != kg.OrderSignature(orders) || len(c.Values) != 1 {
				t.Fatalf("DecodeCursor(%q, %q, %v) accepted %#v", s, orderBy, desc, c)
			}
			again, err := kg.DecodeCursor(c.Encode(), orders)
			if err != nil || !reflect.DeepEqual(again, c) {
				t.Fatalf("decoded cursor %#v does not round-trip: %#v, %v", c, again, err)
			}
		}

		// Stored values are valid UTF-8 (GraphQL strings, JSON), and a
		// cursor always names a node.
		if id == "" || !utf8.ValidString(id) || !utf8.ValidString(orderBy) || !utf8.ValidString(str) {
			return
		}
		want := kg.Cursor{Order: kg.OrderSignature(orders), Values: []any{nil}, ID: id}
		switch kind % 4 {
		case 0:
			want.Values[0] = str
		case 1:
			want.Values[0] = n
		case 2:
			want.Values[0] = n%2 == 0
		}
		got, err := kg.DecodeCursor(want.Encode(), orders)
		if err != nil {
			t.Fatalf("cursor %#v does not decode: %v", want, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("cursor %#v decodes as %#v", want, got)
		}
	})
}
