package kg

import (
	"fmt"
	"io"
	"strconv"
	"time"
)

// Date is a calendar date, "YYYY-MM-DD", with no time zone.
type Date string

// ParseDate checks s and returns it as a Date.
func ParseDate(s string) (Date, error) {
	if _, err := time.Parse(time.DateOnly, s); err != nil || len(s) != len(time.DateOnly) {
		return "", Errorf(CodeBadUserInput, "%q is not a date of the form YYYY-MM-DD", Excerpt(s, 40))
	}
	return Date(s), nil
}

// Time returns the date at midnight UTC.
func (d Date) Time() time.Time { t, _ := time.Parse(time.DateOnly, string(d)); return t }

// Year returns the date's year.
func (d Date) Year() int { return d.Time().Year() }

// MarshalGQL writes the date as a GraphQL string.
func (d Date) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(d))) }

// UnmarshalGQL reads a date from a GraphQL string.
func (d *Date) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("a Date must be a string of the form YYYY-MM-DD, not %T", v)
	}
	parsed, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}
