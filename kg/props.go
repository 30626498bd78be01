package kg

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
)

// Props holds a node's kind-specific properties. Values are only ever
// string, int64, bool or []string, so that every backend stores them natively
// and they survive a round trip unchanged. Normalize brings decoded values
// (float64 from JSON, int from YAML, []any from drivers) to these types.
type Props map[string]any

// Well-known property keys shared by several kinds.
const (
	// PropSeq orders entities the way the source document lists them.
	PropSeq = "seq"
	// PropText holds an action's full verbatim text.
	PropText = "text"
)

var propKeyRE = regexp.MustCompile(`^[a-z][A-Za-z0-9]*$`)

// Reserved keys hold a node's fixed fields in backends that flatten
// properties; they cannot be used as property keys.
var reservedKeys = []string{"id", "kind", "name", "acronym", "description", "citations"}

// Validate checks keys and value types.
func (p Props) Validate() error {
	for k, v := range p {
		if !propKeyRE.MatchString(k) || slices.Contains(reservedKeys, k) {
			return Errorf(CodeBadUserInput, "invalid property key %q", k)
		}
		switch v.(type) {
		case string, int64, bool, []string:
		default:
			return Errorf(CodeBadUserInput, "property %q has unsupported type %T", k, v)
		}
	}
	return nil
}

// Normalize converts decoded values to the canonical types and drops nulls.
// It fails on values that have no canonical form (fractions, nested maps).
func Normalize(p map[string]any) (Props, error) {
	if len(p) == 0 {
		return nil, nil
	}
	out := make(Props, len(p))
	for k, v := range p {
		nv, err := normalizeValue(v)
		if err != nil {
			return nil, fmt.Errorf("property %q: %w", k, err)
		}
		if nv != nil {
			out[k] = nv
		}
	}
	return out, nil
}

func normalizeValue(v any) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string, bool, int64:
		return x, nil
	case int:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case uint64:
		if x > math.MaxInt64 {
			return nil, fmt.Errorf("integer %d out of range", x)
		}
		return int64(x), nil
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			return nil, fmt.Errorf("number %v is not an integer", x)
		}
		return int64(x), nil
	case json.Number:
		i, err := x.Int64()
		if err != nil {
			return nil, fmt.Errorf("number %s is not an integer", x)
		}
		return i, nil
	case []string:
		return slices.Clone(x), nil
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("list element %v is not a string", e)
			}
			out = append(out, s)
		}
		return out, nil
	default:
		return nil, fmt.Errorf("unsupported type %T", v)
	}
}

// String returns a string property, or "".
func (p Props) String(key string) string { s, _ := p[key].(string); return s }

// Int returns an integer property and whether it is set.
func (p Props) Int(key string) (int64, bool) { i, ok := p[key].(int64); return i, ok }

// Bool returns a boolean property and whether it is set.
func (p Props) Bool(key string) (bool, bool) { b, ok := p[key].(bool); return b, ok }

// Strings returns a list property.
func (p Props) Strings(key string) []string { s, _ := p[key].([]string); return slices.Clone(s) }

// Clone returns a deep copy.
func (p Props) Clone() Props {
	if p == nil {
		return nil
	}
	c := make(Props, len(p))
	for k, v := range p {
		if l, ok := v.([]string); ok {
			v = slices.Clone(l)
		}
		c[k] = v
	}
	return c
}

// Equal compares two property sets value by value.
func (p Props) Equal(o Props) bool {
	if len(p) != len(o) {
		return false
	}
	for k, v := range p {
		w, ok := o[k]
		if !ok {
			return false
		}
		if l, isList := v.([]string); isList {
			m, ok := w.([]string)
			if !ok || !slices.Equal(l, m) {
				return false
			}
			continue
		}
		if v != w {
			return false
		}
	}
	return true
}
