package kg

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
)

// Cursor marks a position in an ordered list of nodes: the value of the
// order field at that node (nil when the node lacks it) and its ID.
type Cursor struct {
	OrderBy string `json:"o"`
	Desc    bool   `json:"d,omitempty"`
	Value   any    `json:"v"`
	ID      string `json:"i"`
}

// Encode returns the cursor as an opaque string.
func (c Cursor) Encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor parses a cursor made by Encode for the same ordering.
func DecodeCursor(s, orderBy string, desc bool) (Cursor, error) {
	bad := Errorf(CodeBadUserInput, "malformed cursor %q: use a cursor returned by the same list with the same ordering", Excerpt(s, 40))
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, bad
	}
	var raw struct {
		OrderBy string          `json:"o"`
		Desc    bool            `json:"d"`
		Value   json.RawMessage `json:"v"`
		ID      string          `json:"i"`
	}
	if err := json.Unmarshal(b, &raw); err != nil || raw.ID == "" || raw.OrderBy != orderBy || raw.Desc != desc {
		return Cursor{}, bad
	}
	c := Cursor{OrderBy: raw.OrderBy, Desc: raw.Desc, ID: raw.ID}
	if len(raw.Value) > 0 && string(raw.Value) != "null" {
		var v any
		dec := json.NewDecoder(bytes.NewReader(raw.Value))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return Cursor{}, bad
		}
		nv, err := normalizeValue(v)
		if err != nil {
			return Cursor{}, bad
		}
		switch nv.(type) {
		case string, int64, bool:
			c.Value = nv
		default:
			return Cursor{}, bad
		}
	}
	return c, nil
}

// KeyCursor marks a position in a list of nodes in an order (Order keys): the
// value of each key at that node (nil when the node lacks it) and its ID.
// It names its order, so that a cursor is refused in another one.
type KeyCursor struct {
	Order  string `json:"o"`
	Values []any  `json:"v"`
	ID     string `json:"i"`
}

// Encode returns the cursor as an opaque string.
func (c KeyCursor) Encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeKeyCursor parses a cursor made by Encode for the same order: one value
// per key, of a type the key can hold.
func DecodeKeyCursor(s string, orders []Order) (KeyCursor, error) {
	bad := Errorf(CodeBadUserInput, "malformed cursor %q: use a cursor returned by the same list with the same ordering", Excerpt(s, 40))
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return KeyCursor{}, bad
	}
	var raw struct {
		Order  string            `json:"o"`
		Values []json.RawMessage `json:"v"`
		ID     string            `json:"i"`
	}
	if err := json.Unmarshal(b, &raw); err != nil || raw.ID == "" || raw.Order != OrderSignature(orders) || len(raw.Values) != len(orders) {
		return KeyCursor{}, bad
	}
	c := KeyCursor{Order: raw.Order, ID: raw.ID, Values: make([]any, len(orders))}
	for i, rv := range raw.Values {
		if len(rv) == 0 || string(rv) == "null" {
			if orders[i].Count != nil {
				return KeyCursor{}, bad
			}
			continue
		}
		var v any
		dec := json.NewDecoder(bytes.NewReader(rv))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return KeyCursor{}, bad
		}
		nv, err := normalizeValue(v)
		if err != nil {
			return KeyCursor{}, bad
		}
		switch nv.(type) {
		case int64:
		case string, bool:
			if orders[i].Count != nil {
				return KeyCursor{}, bad
			}
		default:
			return KeyCursor{}, bad
		}
		c.Values[i] = nv
	}
	return c, nil
}
