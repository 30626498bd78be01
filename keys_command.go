package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"marrakechgraph/auth"
	"marrakechgraph/embedded"
)

const keysUsage = `usage:
  marrakechgraph keys create --role ROLE --name NAME   prints the new key's token as its last line
  marrakechgraph keys list
  marrakechgraph keys revoke ID

ROLE is analyst, editor, headoffice or admin. The store is the server's:
DATA_DIR, or STORE=neo4j with the NEO4J_* variables.`

// runKeys manages API keys from the command line, on the server's store.
func runKeys(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("keys: missing command\n%s", keysUsage)
	}
	cfg, err := parseConfig(nil, getenv, io.Discard)
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	cmd, rest := args[0], args[1:]
	fs := flag.NewFlagSet("keys "+cmd, flag.ContinueOnError)
	fs.SetOutput(out)
	role := fs.String("role", "", "role of the new key: analyst, editor, headoffice or admin")
	name := fs.String("name", "", "whom or what the key is for")
	if err := fs.Parse(rest); err != nil {
		return err
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		if errors.Is(err, embedded.ErrLocked) {
			return fmt.Errorf("%w\nthe embedded store is in use by a running server: stop it, or use the createAPIKey mutation with an admin key", err)
		}
		return err
	}
	defer store.Close()
	keys := &auth.Keys{Store: store, Now: time.Now}
	actor := "command line (" + currentUser() + ")"

	switch cmd {
	case "create":
		if fs.NArg() > 0 {
			return fmt.Errorf("keys create: unexpected argument %q\n%s", fs.Arg(0), keysUsage)
		}
		info, token, err := keys.Create(ctx, auth.Role(strings.ToLower(*role)), *name, actor)
		if err != nil {
			return fmt.Errorf("keys create: %w", err)
		}
		fmt.Fprintf(out, "created %s %q with role %s\n", info.ID, info.Name, info.Role)
		fmt.Fprintln(out, "the token below is shown once; only its hash is stored:")
		fmt.Fprintln(out, token)
		return nil
	case "list":
		list, err := keys.List(ctx)
		if err != nil {
			return fmt.Errorf("keys list: %w", err)
		}
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tROLE\tCREATED\tREVOKED")
		for _, k := range list {
			revoked := "-"
			if k.RevokedAt != nil {
				revoked = k.RevokedAt.Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", k.ID, k.Name, k.Role, k.CreatedAt.Format(time.RFC3339), revoked)
		}
		return tw.Flush()
	case "revoke":
		if fs.NArg() != 1 {
			return fmt.Errorf("keys revoke: give one key ID\n%s", keysUsage)
		}
		info, err := keys.Revoke(ctx, fs.Arg(0), actor)
		if err != nil {
			return fmt.Errorf("keys revoke: %w", err)
		}
		fmt.Fprintf(out, "revoked %s %q\n", info.ID, info.Name)
		return nil
	}
	return fmt.Errorf("keys: unknown command %q\n%s", cmd, keysUsage)
}

func currentUser() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "unknown user"
}
