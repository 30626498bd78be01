package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"marrakechgraph/directory"
	"marrakechgraph/kg"
	"marrakechgraph/seed"
)

const nhrisUsage = `usage:
  marrakechgraph nhris import --source "CHART TITLE" --as-of YYYY-MM-DD FILE.csv

FILE.csv has a header row and the columns region, country, institution,
status, and optionally acronym, year and network. Every row is checked; if
one is wrong nothing is imported and each wrong row is listed. The store is
the server's: DATA_DIR, or STORE=neo4j with the NEO4J_* variables.`

// runNHRIs imports GANHRI's chart of accreditation status from the command line.
func runNHRIs(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		return fmt.Errorf("nhris: unknown or missing command\n%s", nhrisUsage)
	}
	fs := flag.NewFlagSet("nhris import", flag.ContinueOnError)
	fs.SetOutput(out)
	source := fs.String("source", "", "the chart the file comes from, e.g. its title and URL")
	asOf := fs.String("as-of", "", "the date of the chart, YYYY-MM-DD")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("nhris import: give one CSV file\n%s", nhrisUsage)
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("nhris import: %w", err)
	}
	defer f.Close()
	cfg, err := parseConfig(nil, getenv, io.Discard)
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	// Loading the seed and importing a directory are large change sets,
	// longer than a store call may take by default.
	ctx, cancel := context.WithTimeout(ctx, seedTimeout)
	defer cancel()
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	// The countries the rows name are in the seed.
	if _, err := seed.Apply(ctx, store); err != nil {
		return err
	}
	rep, err := (&directory.Directory{Store: store, Now: time.Now}).Import(ctx, f, *source, kg.Date(*asOf), "command line ("+currentUser()+")")
	if err != nil {
		return fmt.Errorf("nhris import: %w", err)
	}
	if len(rep.Errors) > 0 {
		for _, e := range rep.Errors {
			fmt.Fprintf(out, "%s:%d: %s: %s\n", fs.Arg(0), e.Row, e.Column, e.Message)
		}
		return fmt.Errorf("nhris import: %d of %d rows are wrong; nothing was imported", countRows(rep.Errors), rep.Rows)
	}
	fmt.Fprintf(out, "imported %d rows: %d created, %d updated, %d unchanged\n", rep.Rows, rep.Created, rep.Updated, rep.Unchanged)
	return nil
}

func countRows(errs []directory.RowError) int {
	rows := map[int]bool{}
	for _, e := range errs {
		rows[e.Row] = true
	}
	return len(rows)
}
