package directory_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"marrakechgraph/directory"
	"marrakechgraph/embedded/embeddedtest"
	"marrakechgraph/kg"
)

// maxMessage bounds what an import says of one row or of the whole file:
// it may quote the start of a cell, never a whole long one.
const maxMessage = 600

// maxQuote bounds the quote a row is cited by: its cells, each at most
// 300 characters, and their separators.
const maxQuote = 7*300 + 6*len(" | ")

// FuzzImport imports arbitrary CSV files into a seeded embedded store.
// Import never panics; a file refused whole is an error with a client code
// and a short message; a report counts every row, and either lists what is
// wrong (each error on a data row, and nothing written) or names one NHRI
// per row, each stored without a cell a spreadsheet would run as a formula.
func FuzzImport(f *testing.F) {
	header := "region,country,institution,acronym,status,year,network\n"
	for _, csv := range []string{
		"\ufeff" + header +
			"Africa,KE,Kenya National Commission on Human Rights,KNCHR,A,2019,NANHRI\n" +
			"Europe,Türkiye,Human Rights and Equality Institution of Türkiye,HREIT,B,2024,\n" +
			"Americas,Guatemala,Procurador de los Derechos Humanos,,A,2021,RINDHCA\n",
		"region,country,institution,status,year\n" +
			"Africa,KE,Kenya National Commission on Human Rights,A,2019\n" +
			"Atlantis,XX,Nowhere Commission,C,1850\n" +
			"Europe,FR,,A,2022\n" +
			"Africa,Kenya,Kenya National Commission on Human Rights,A,2019\n",
		"region,country,institution,status,colour\nAfrica,KE,K,A,red\n",
		"region,country,institution\nAfrica,KE,K\n",
		"region,country,institution,status\n",
		"region,country,institution,status\n\"Africa,KE,K,A\n",
		"region,country,institution,acronym,status,year\n" +
			"Asia-Pacific,AU,Australian Human Rights Commission,,A,2023\n" +
			"Europe,GB,Equality and Human Rights Commission,EHRC,A,2022\n" +
			"Europe,GB,Northern Ireland Human Rights Commission,NIHRC,A,2023\n",
		header +
			"Africa,KE,=cmd|' /C calc'!A0,KNCHR,A,2019,NANHRI\n" +
			"Africa,KE,\"=HYPERLINK(\"\"https://evil.example\"\",\"\"open\"\")\",X,A,2019,\n" +
			"Africa,KE,Commission,+1,A,2019,\n" +
			"Africa,KE,Commission,@SUM(A1),A,2019,\n" +
			"Africa,KE,Commission,-2+3,A,2019,\n" +
			"Africa,KE,\"  =1+1\",Y,A,2019,\n",
		header + "africa, ke ,\" Commission \",c,a,1993,apf,extra\n",
		"Status,Region,Country,Institution\r\nb,Europe,FR,Défenseur des droits\r\n",
		header + "Africa,KE,Commission,,A,99999999999999999999,\n",
	} {
		f.Add([]byte(csv), "GANHRI, Chart of the status of national institutions", "2026-06-30")
	}
	f.Add([]byte("region,country,institution,status\nAfrica,KE,Commission,A\n"), "=evil()", "2026-06-30")
	f.Add([]byte("region,country,institution,status\nAfrica,KE,Commission,A\n"), "chart", "2099-01-01")
	f.Add([]byte("region,country,institution,status\nAfrica,KE,Commission,A\n"), "chart", "30/06/2026")

	ctx := context.Background()
	s := embeddedtest.Seeded(f)
	dir := &directory.Directory{Store: s}
	f.Fuzz(func(t *testing.T, csv []byte, source, asOf string) {
		before, err := s.Stats(ctx)
		if err != nil {
			t.Fatalf("stats: %v", err)
		}
		rep, err := dir.Import(ctx, strings.NewReader(string(csv)), source, kg.Date(asOf), "editor")
		if err != nil {
			if rep != nil {
				t.Fatalf("a report with the error %v", err)
			}
			if code := kg.ErrorCode(err); code != kg.CodeBadUserInput {
				t.Fatalf("refused with code %s, want %s: %v", code, kg.CodeBadUserInput, err)
			}
			if msg := kg.ClientMessage(err); msg == "" || len(msg) > maxMessage {
				t.Fatalf("refused with a message of %d bytes (at most %d): %.200q", len(msg), maxMessage, msg)
			}
			unchanged(t, s, before)
			return
		}
		if rep.Rows < 1 {
			t.Fatalf("an import of %d rows", rep.Rows)
		}
		if len(rep.Errors) > 0 {
			if rep.IDs != nil || rep.Created+rep.Updated+rep.Unchanged != 0 {
				t.Fatalf("a report with errors names NHRIs or changes: %+v", rep)
			}
			for _, e := range rep.Errors {
				if e.Row < 2 || e.Row > rep.Rows+1 || !slices.Contains(directory.Columns, e.Column) || e.Message == "" || len(e.Message) > maxMessage {
					t.Fatalf("row error out of bounds (%d rows): line %d, column %q, message of %d bytes: %.200q", rep.Rows, e.Row, e.Column, len(e.Message), e.Message)
				}
			}
			unchanged(t, s, before)
			return
		}
		if len(rep.IDs) != rep.Rows {
			t.Fatalf("%d rows imported as %d NHRIs", rep.Rows, len(rep.IDs))
		}
		nodes, err := s.Nodes(ctx, rep.IDs)
		if err != nil {
			t.Fatalf("read the imported NHRIs: %v", err)
		}
		for i, n := range nodes {
			if n == nil || n.Kind != kg.KindNHRI || n.ID != rep.IDs[i] {
				t.Fatalf("NHRI %s not stored: %+v", rep.IDs[i], n)
			}
			noFormula(t, n)
		}
	})
}

func unchanged(t *testing.T, s kg.Store, before *kg.Stats) {
	t.Helper()
	after, err := s.Stats(context.Background())
	if err != nil {
		t.Fatalf("stats: %v", err)
	}
	if !reflect.DeepEqual(before, after) {
		t.Fatalf("a refused import changed the store: %v, then %v", before, after)
	}
}

func noFormula(t *testing.T, n *kg.Node) {
	t.Helper()
	texts := []string{n.Name, n.Acronym, n.Description}
	for _, v := range n.Props {
		if s, ok := v.(string); ok {
			texts = append(texts, s)
		}
	}
	for _, c := range n.Citations {
		texts = append(texts, c.Document, c.Section, c.Quote)
		if len(c.Quote) > maxQuote {
			t.Fatalf("NHRI %s cites a quote of %d bytes, over %d", n.ID, len(c.Quote), maxQuote)
		}
	}
	for _, s := range texts {
		if kg.LooksLikeFormula(s) {
			t.Fatalf("NHRI %s stores %q, which a spreadsheet runs as a formula", n.ID, s)
		}
	}
}
