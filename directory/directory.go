// Package directory keeps the directory of national human rights
// institutions: it imports GANHRI's chart of accreditation status from CSV,
// validating every row and applying all of them or none.
package directory

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"marrakechgraph/kg"
)

// Columns are the CSV's columns, as GANHRI's chart of the status of
// accredited NHRIs sets them out: its region, the country, the institution,
// its status and the year of its last review. Acronym and network are
// optional; the header row names the columns, in any order.
var Columns = []string{"region", "country", "institution", "acronym", "status", "year", "network"}

var required = []string{"region", "country", "institution", "status"}

const (
	maxRows       = 2000
	maxCellLength = 300
	// excerptLength bounds what a message quotes of a cell.
	excerptLength = 60
)

// networks maps the network column to network IDs.
var networks = map[string]string{
	"APF": "network:apf", "ENNHRI": "network:ennhri", "NANHRI": "network:nanhri", "RINDHCA": "network:rindhca",
}

// RowError is what is wrong with one row.
type RowError struct {
	// Row is the line number in the file (the header is line 1).
	Row     int
	Column  string
	Message string
}

// Report says what an import did, or why it did nothing.
type Report struct {
	Rows                        int
	Created, Updated, Unchanged int
	Errors                      []RowError
	// IDs are the NHRIs of the rows, in file order.
	IDs []string
}

// Applied reports whether the rows were applied: all of them when there
// are no errors, none otherwise.
func (r *Report) Applied() bool { return len(r.Errors) == 0 }

// Store is what the directory needs of a kg.Store: the NHRIs and countries
// it holds, and atomic writes.
type Store interface {
	kg.Finder
	Apply(ctx context.Context, cs kg.ChangeSet) (*kg.ApplyResult, error)
}

// Directory is the NHRI directory over a store.
type Directory struct {
	Store Store
	// Now tells the date an import is checked against; nil means time.Now.
	Now func() time.Time
}

func (d *Directory) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// Import reads the chart and applies it as one change set: if any row is
// wrong, nothing is written and every wrong row is reported. NHRIs not in
// the file are left as they are. Each NHRI cites the chart, its date and
// its own row.
func (d *Directory) Import(ctx context.Context, r io.Reader, source string, asOf kg.Date, actor string) (*Report, error) {
	s := d.Store
	source = strings.TrimSpace(source)
	if source == "" || len(source) > maxCellLength {
		return nil, kg.Errorf(kg.CodeBadUserInput, "source: name the chart the file comes from (1 to %d characters)", maxCellLength)
	}
	if kg.LooksLikeFormula(source) {
		return nil, kg.Errorf(kg.CodeBadUserInput, "source: starts with %q, which spreadsheets run as a formula", source[:1])
	}
	if _, err := kg.ParseDate(string(asOf)); err != nil {
		return nil, kg.Errorf(kg.CodeBadUserInput, "asOf: %s", kg.ClientMessage(err))
	}
	if asOf.Time().After(d.now().Add(24 * time.Hour)) {
		return nil, kg.Errorf(kg.CodeBadUserInput, "asOf: %s is in the future", asOf)
	}
	rows, header, err := readCSV(r)
	if err != nil {
		return nil, err
	}
	countries, err := countryIndex(ctx, s)
	if err != nil {
		return nil, err
	}
	known, err := nhriIndex(ctx, s)
	if err != nil {
		return nil, err
	}
	rep := &Report{Rows: len(rows)}
	cs := kg.ChangeSet{Actor: actor, Reason: "import NHRI directory: " + source}
	seen := map[string]int{}
	document := fmt.Sprintf("%s, as of %s", source, asOf)
	for i, row := range rows {
		line := i + 2
		cell := func(col string) string {
			if j, ok := header[col]; ok && j < len(row) {
				return strings.TrimSpace(row[j])
			}
			return ""
		}
		fail := func(col, format string, args ...any) {
			rep.Errors = append(rep.Errors, RowError{Row: line, Column: col, Message: fmt.Sprintf(format, args...)})
		}
		before := len(rep.Errors)
		for _, col := range required {
			if cell(col) == "" {
				fail(col, "is empty")
			}
		}
		for _, col := range Columns {
			if len(cell(col)) > maxCellLength {
				fail(col, "is longer than %d characters", maxCellLength)
			}
			if kg.LooksLikeFormula(cell(col)) {
				fail(col, "starts with %q, which spreadsheets run as a formula", strings.TrimLeft(cell(col), " ")[:1])
			}
		}
		region, ok := kg.CanonicalRegion(cell("region"))
		if cell("region") != "" && !ok {
			fail("region", "%q is not one of %s", kg.Excerpt(cell("region"), excerptLength), strings.Join(kg.Regions, ", "))
		}
		country := countries.find(cell("country"))
		if cell("country") != "" && country == nil {
			fail("country", "%q is not a UN member or observer State; give its ISO 3166-1 alpha-2 code", kg.Excerpt(cell("country"), excerptLength))
		}
		status := strings.ToUpper(cell("status"))
		if status != "" && status != "A" && status != "B" {
			fail("status", "%q is not an accreditation status (A or B)", kg.Excerpt(cell("status"), excerptLength))
		}
		var year int64
		if y := cell("year"); y != "" {
			n, err := strconv.Atoi(y)
			if err != nil || n < 1993 || n > asOf.Year() {
				fail("year", "%q is not a year from 1993 to %d", kg.Excerpt(y, excerptLength), asOf.Year())
			}
			year = int64(n)
		}
		var network string
		if nw := strings.ToUpper(cell("network")); nw != "" {
			if network, ok = networks[nw]; !ok {
				fail("network", "%q is not one of APF, ENNHRI, NANHRI, RINDHCA", kg.Excerpt(cell("network"), excerptLength))
			}
		}
		if len(rep.Errors) > before {
			continue
		}
		code := country.Code()
		id := known.match(code, cell("acronym"), cell("institution"))
		if prev, dup := seen[id]; dup {
			fail("institution", "same institution as line %d", prev)
			continue
		}
		seen[id] = line
		props := kg.Props{kg.PropCountry: code, kg.PropRegion: region, kg.PropAccreditationStatus: status, kg.PropAsOf: string(asOf), kg.PropSource: source}
		if year != 0 {
			props[kg.PropAccreditationYear] = year
		}
		// The row is quoted by the cells checked above: those of the
		// header's columns, trimmed, in file order.
		var cells []string
		for j := range min(len(row), len(header)) {
			if c := strings.TrimSpace(row[j]); c != "" {
				cells = append(cells, c)
			}
		}
		quote := strings.Join(cells, " | ")
		cite := []kg.Citation{{Document: document, Section: region, Quote: quote}}
		cs.PutNodes = append(cs.PutNodes, kg.Node{ID: id, Kind: kg.KindNHRI, Name: cell("institution"), Acronym: cell("acronym"), Props: props, Citations: cite})
		cs.PutEdges = append(cs.PutEdges, kg.Edge{Type: kg.RelLocatedIn, From: id, To: country.ID(), Citations: cite})
		if network != "" {
			cs.PutEdges = append(cs.PutEdges, kg.Edge{Type: kg.RelMemberOf, From: id, To: network, Citations: cite})
		}
		rep.IDs = append(rep.IDs, id)
	}
	if len(rep.Errors) > 0 {
		rep.IDs = nil
		return rep, nil
	}
	res, err := s.Apply(ctx, cs)
	if err != nil {
		return nil, err
	}
	rep.Created, rep.Updated, rep.Unchanged = res.Created, res.Updated, res.Unchanged
	return rep, nil
}

// NHRIID is the ID the directory gives an institution:
// nhri:<lowercase ISO alpha-2>-<slug of its acronym, else of its name>, so
// that a later edition of the chart updates it rather than adding another.
func NHRIID(countryCode, acronym, institution string) string {
	return "nhri:" + strings.ToLower(countryCode) + "-" + slug(firstNonEmpty(strings.TrimSpace(acronym), strings.TrimSpace(institution)))
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// slug turns a name into the lower-case, ASCII part of an ID.
func slug(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	out := strings.Trim(nonSlug.ReplaceAllString(b.String(), "-"), "-")
	if len(out) > 40 {
		out = strings.TrimRight(out[:40], "-")
	}
	if out == "" {
		out = "nhri"
	}
	return out
}

func readCSV(r io.Reader) ([][]string, map[string]int, error) {
	data, err := io.ReadAll(io.LimitReader(r, 5<<20+1))
	if err != nil {
		return nil, nil, fmt.Errorf("read CSV: %w", err)
	}
	if len(data) > 5<<20 {
		return nil, nil, kg.Errorf(kg.CodeBadUserInput, "the CSV is larger than 5 MiB")
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	records, err := cr.ReadAll()
	if err != nil {
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			return nil, nil, kg.Errorf(kg.CodeBadUserInput, "CSV line %d: %v", perr.Line, perr.Err)
		}
		return nil, nil, kg.Errorf(kg.CodeBadUserInput, "the file is not CSV")
	}
	if len(records) < 2 {
		return nil, nil, kg.Errorf(kg.CodeBadUserInput, "the CSV needs a header row and at least one row")
	}
	if len(records)-1 > maxRows {
		return nil, nil, kg.Errorf(kg.CodeBadUserInput, "the CSV has more than %d rows", maxRows)
	}
	header := map[string]int{}
	for i, h := range records[0] {
		h = strings.ToLower(strings.TrimSpace(h))
		if !slices.Contains(Columns, h) {
			return nil, nil, kg.Errorf(kg.CodeBadUserInput, "unknown column %q; the columns are %s", kg.Excerpt(h, excerptLength), strings.Join(Columns, ", "))
		}
		if _, dup := header[h]; dup {
			return nil, nil, kg.Errorf(kg.CodeBadUserInput, "column %q appears twice", h)
		}
		header[h] = i
	}
	for _, col := range required {
		if _, ok := header[col]; !ok {
			return nil, nil, kg.Errorf(kg.CodeBadUserInput, "missing column %q; the columns are %s", col, strings.Join(Columns, ", "))
		}
	}
	return records[1:], header, nil
}

// nhris are the NHRIs a store already holds, by country code.
type nhris map[string][]*kg.Node

func nhriIndex(ctx context.Context, s kg.Finder) (nhris, error) {
	nodes, err := kg.FindAll(ctx, s, kg.FindQuery{Kind: kg.KindNHRI, OrderBy: kg.OrderByID})
	if err != nil {
		return nil, err
	}
	idx := nhris{}
	for _, n := range kg.Views[kg.NHRI](nodes) {
		code := strings.ToUpper(n.CountryCode())
		idx[code] = append(idx[code], n.Node())
	}
	return idx, nil
}

// match returns the ID of the institution of a row: its ID under NHRIID
// if the store holds it, or else the ID of the NHRI of the same country
// recorded under the same name or acronym (the regional networks' pages
// and the chart may write one of them differently), or else a new ID
// under NHRIID.
func (k nhris) match(code, acronym, institution string) string {
	id := NHRIID(code, acronym, institution)
	same := func(a, b string) bool { return a != "" && b != "" && slug(a) == slug(b) }
	var found []string
	for _, n := range k[code] {
		if n.ID == id {
			return id
		}
		if same(n.Name, institution) || same(n.Acronym, acronym) {
			found = append(found, n.ID)
		}
	}
	if len(found) == 1 {
		return found[0]
	}
	return id
}

// countries finds countries by ISO code or by name.
type countries map[string]*kg.Country

func countryIndex(ctx context.Context, s kg.Finder) (countries, error) {
	nodes, err := kg.FindAll(ctx, s, kg.FindQuery{Kind: kg.KindCountry, OrderBy: kg.OrderByID})
	if err != nil {
		return nil, err
	}
	idx := countries{}
	for _, c := range kg.Views[kg.Country](nodes) {
		idx[strings.ToUpper(c.Code())] = &c
		idx[fold(c.Name())] = &c
	}
	return idx, nil
}

func fold(s string) string { return "name:" + slug(s) }

func (c countries) find(s string) *kg.Country {
	if s == "" {
		return nil
	}
	if n := c[strings.ToUpper(s)]; n != nil && len(s) == 2 {
		return n
	}
	return c[fold(s)]
}
