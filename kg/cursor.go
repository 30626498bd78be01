package kg

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
)

// Cursor marks a position in a list of nodes in an order (Order keys): the
// value of each key at that node (nil when the node lacks it) and its ID.
// It names its order, so that a cursor is refused in another one.
type Cursor struct {
	Order  string `json:"o"`
	Values []any  `json:"v"`
	ID     string `json:"i"`
}

// Encode returns the cursor as an opaque string.
func (c Cursor) Encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor parses a cursor made by Encode for the same order: one value
// per key, of a type the key can hold.
func DecodeCursor(s string, orders []Order) (Cursor, error) {
	bad := Errorf(CodeBadUserInput, "malformed cursor %q: use a cursor returned by the same list with the same ordering", Excerpt(s, 40))
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, bad
	}
	var raw struct {
		Order  string            `json:"o"`
		Values []json.RawMessage `json:"v"`
		ID     string            `json:"i"`
	}
	if err := json.Unmarshal(b, &raw); err != nil || raw.ID == "" || raw.Order != OrderSignature(orders) || len(raw.Values) != len(orders) {
		return Cursor{}, bad
	}
	c := Cursor{Order: raw.Order, ID: raw.ID, Values: make([]any, len(orders))}
	for i, rv := range raw.Values {
		if len(rv) == 0 || string(rv) == "null" {
			if orders[i].Count != nil {
				return Cursor{}, bad
			}
			continue
		}
		var v any
		dec := json.NewDecoder(bytes.NewReader(rv))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return Cursor{}, bad
		}
		nv, err := normalizeValue(v)
		if err != nil {
			return Cursor{}, bad
		}
		switch nv.(type) {
		case int64:
		case string, bool:
			if orders[i].Count != nil {
				return Cursor{}, bad
			}
		default:
			return Cursor{}, bad
		}
		c.Values[i] = nv
	}
	return c, nil
}
