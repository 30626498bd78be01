package kg

import (
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
		return Errorf(CodeBadUserInput, "a Date must be a string of the form YYYY-MM-DD, not %T", v)
	}
	parsed, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}

// DateTimeLayout is how a DateTime is written: RFC 3339 in UTC with exactly
// three fraction digits (milliseconds), as JavaScript's Date.toISOString
// writes it, so stamps of one precision compare and sort as strings.
const DateTimeLayout = "2006-01-02T15:04:05.000Z"

// DateTime is an instant, shown in UTC to the millisecond (DateTimeLayout);
// finer fractions are cut, not rounded.
type DateTime time.Time

// String writes the instant in DateTimeLayout.
func (t DateTime) String() string { return time.Time(t).UTC().Format(DateTimeLayout) }

// MarshalGQL writes the instant as a GraphQL string in DateTimeLayout.
func (t DateTime) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(t.String())) }

// UnmarshalGQL reads an instant from an RFC 3339 string with a time zone,
// of any precision.
func (t *DateTime) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return Errorf(CodeBadUserInput, "a DateTime must be an RFC 3339 string such as 2026-01-31T09:30:00.000Z, not %T", v)
	}
	parsed, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return Errorf(CodeBadUserInput, "%q is not an RFC 3339 date and time such as 2026-01-31T09:30:00.000Z", Excerpt(s, 40))
	}
	*t = DateTime(parsed)
	return nil
}
