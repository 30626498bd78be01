package directory_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/directory"
	"marrakechgraph/embedded/embeddedtest"
	"marrakechgraph/kg"
	"marrakechgraph/storetest"
)

const chart = "GANHRI, Chart of the status of national institutions accredited by GANHRI"

func TestImport(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		ctx := context.Background()
		s := backend.Seeded(t)
		dir := &directory.Directory{Store: s}
		csv := "\ufeffregion,country,institution,acronym,status,year,network\n" +
			"Africa,KE,Kenya National Commission on Human Rights,KNCHR,A,2019,NANHRI\n" +
			"Europe,Türkiye,Human Rights and Equality Institution of Türkiye,HREIT,B,2024,\n" +
			"Americas,Guatemala,Procurador de los Derechos Humanos,,A,2021,RINDHCA\n"
		rep, err := dir.Import(ctx, strings.NewReader(csv), chart, "2026-06-30", "editor")
		require.NoError(t, err)
		require.Empty(t, rep.Errors)
		assert.Equal(t, 3, rep.Rows)
		assert.Equal(t, []string{"nhri:ke-knchr", "nhri:tr-hreit", "nhri:gt-procurador-de-los-derechos-humanos"}, rep.IDs)
		assert.Positive(t, rep.Created)

		nodes, err := s.Nodes(ctx, rep.IDs)
		require.NoError(t, err)
		ke := nodes[0]
		require.NotNil(t, ke)
		assert.Equal(t, "Kenya National Commission on Human Rights", ke.Name)
		assert.Equal(t, "KNCHR", ke.Acronym)
		assert.Equal(t, kg.Props{kg.PropCountry: "KE", kg.PropRegion: "Africa", kg.PropAccreditationStatus: "A", kg.PropAccreditationYear: int64(2019),
			kg.PropAsOf: "2026-06-30", kg.PropSource: chart}, ke.Props)
		assert.Equal(t, chart+", as of 2026-06-30", ke.Citations[0].Document)
		assert.Equal(t, "Africa | KE | Kenya National Commission on Human Rights | KNCHR | A | 2019 | NANHRI", ke.Citations[0].Quote)
		_, hasYear := nodes[2].Props.Int(kg.PropAccreditationYear)
		assert.True(t, hasYear)

		ns, err := s.Neighbors(ctx, rep.IDs, kg.NeighborQuery{Direction: kg.Outgoing})
		require.NoError(t, err)
		var links []string
		for _, nb := range ns[0] {
			links = append(links, string(nb.Edge.Type)+" "+nb.Node.ID)
		}
		assert.ElementsMatch(t, []string{"LOCATED_IN country:ke", "MEMBER_OF network:nanhri"}, links)
		assert.Len(t, ns[1], 1, "no network column, no network link")

		again, err := dir.Import(ctx, strings.NewReader(csv), chart, "2026-06-30", "editor")
		require.NoError(t, err)
		assert.Zero(t, again.Created+again.Updated, "importing the same chart twice changes nothing")
	})
}

func TestImportIsAllOrNothing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		ctx := context.Background()
		s := backend.Seeded(t)
		dir := &directory.Directory{Store: s}
		csv := "region,country,institution,status,year\n" +
			"Africa,KE,Kenya National Commission on Human Rights,A,2019\n" +
			"Atlantis,XX,Nowhere Commission,C,1850\n" +
			"Europe,FR,,A,2022\n" +
			"Africa,Kenya,Kenya National Commission on Human Rights,A,2019\n"
		before, err := s.Stats(ctx)
		require.NoError(t, err)
		rep, err := dir.Import(ctx, strings.NewReader(csv), chart, "2026-06-30", "editor")
		require.NoError(t, err)
		var got []string
		for _, e := range rep.Errors {
			got = append(got, strconv.Itoa(e.Row)+" "+e.Column)
		}
		assert.Equal(t, []string{"3 region", "3 country", "3 status", "3 year", "4 institution", "5 institution"}, got)
		assert.Contains(t, rep.Errors[0].Message, "Atlantis")
		assert.Contains(t, rep.Errors[5].Message, "line 2", "a duplicate names the first line")
		st, err := s.Stats(ctx)
		require.NoError(t, err)
		assert.Equal(t, before, st, "nothing was written")

		for name, bad := range map[string]string{
			"unknown column": "region,country,institution,status,colour\nAfrica,KE,K,A,red\n",
			"missing column": "region,country,institution\nAfrica,KE,K\n",
			"header only":    "region,country,institution,status\n",
			"broken quoting": "region,country,institution,status\n\"Africa,KE,K,A\n",
		} {
			_, err := dir.Import(ctx, strings.NewReader(bad), chart, "2026-06-30", "editor")
			assert.Equal(t, kg.CodeBadUserInput, kg.ErrorCode(err), name)
		}
		_, err = dir.Import(ctx, strings.NewReader(csv), "", "2026-06-30", "editor")
		assert.Equal(t, kg.CodeBadUserInput, kg.ErrorCode(err), "a source is required")
		_, err = dir.Import(ctx, strings.NewReader(csv), chart, "2099-01-01", "editor")
		assert.Equal(t, kg.CodeBadUserInput, kg.ErrorCode(err), "asOf in the future")
	})
}

// An import is dated by its chart, and a chart cannot come from a day
// after the directory's clock.
func TestImportChecksAsOfByItsClock(t *testing.T) {
	ctx := context.Background()
	noon := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	dir := &directory.Directory{Store: embeddedtest.Seeded(t), Now: func() time.Time { return noon }}
	csv := "region,country,institution,status\nAfrica,KE,Kenya National Commission on Human Rights,A\n"
	_, err := dir.Import(ctx, strings.NewReader(csv), chart, "2026-06-30", "editor")
	assert.Equal(t, kg.CodeBadUserInput, kg.ErrorCode(err), "a chart dated after the clock's today")
	rep, err := dir.Import(ctx, strings.NewReader(csv), chart, "2026-01-01", "editor")
	require.NoError(t, err)
	assert.Empty(t, rep.Errors)
	assert.Len(t, rep.IDs, 1, "imported")
}

// An NHRI already recorded under another ID (from a regional network's
// page) is updated by the chart's row, not added a second time, when the
// row gives the same name or acronym.
func TestImportMatchesRecordedNHRIs(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		ctx := context.Background()
		s := backend.Seeded(t)
		dir := &directory.Directory{Store: s}
		cite := []kg.Citation{{Document: "Asia Pacific Forum, news (https://asiapacificforum.net/news/x), as of 2026-11-26", Section: "News", Quote: "the Australian Human Rights Commission (AHRC)"}}
		_, err := s.Apply(ctx, kg.ChangeSet{Actor: "seed", Reason: "test",
			PutNodes: []kg.Node{
				{ID: "nhri:au-ahrc", Kind: kg.KindNHRI, Name: "Australian Human Rights Commission", Acronym: "AHRC", Props: kg.Props{kg.PropCountry: "AU"}, Citations: cite},
				{ID: "nhri:gb-equality-and-human-rights-commission", Kind: kg.KindNHRI, Name: "Equality and Human Rights Commission", Props: kg.Props{kg.PropCountry: "GB"}, Citations: cite},
				{ID: "nhri:gb-scottish-human-rights-commission", Kind: kg.KindNHRI, Name: "Scottish Human Rights Commission", Props: kg.Props{kg.PropCountry: "GB"}, Citations: cite},
			},
			PutEdges: []kg.Edge{{Type: kg.RelMemberOf, From: "nhri:au-ahrc", To: "network:apf", Citations: cite}},
		})
		require.NoError(t, err)

		csv := "region,country,institution,acronym,status,year\n" +
			"Asia-Pacific,AU,Australian Human Rights Commission,,A,2023\n" + // same name, no acronym
			"Europe,GB,Equality and Human Rights Commission,EHRC,A,2022\n" + // same name, an acronym
			"Europe,GB,Northern Ireland Human Rights Commission,NIHRC,A,2023\n" // not recorded: a new NHRI
		rep, err := dir.Import(ctx, strings.NewReader(csv), chart, "2026-06-30", "editor")
		require.NoError(t, err)
		require.Empty(t, rep.Errors)
		assert.Equal(t, []string{"nhri:au-ahrc", "nhri:gb-equality-and-human-rights-commission", "nhri:gb-nihrc"}, rep.IDs)
		gb, err := kg.FindAll(ctx, s, kg.FindQuery{Kind: kg.KindNHRI, OrderBy: kg.OrderByID, Props: []kg.PropFilter{{Key: "country", Values: []any{"GB"}}}})
		require.NoError(t, err)
		assert.Len(t, gb, 3, "two recorded and one new")

		nodes, err := s.Nodes(ctx, []string{"nhri:au-ahrc"})
		require.NoError(t, err)
		assert.Equal(t, "A", nodes[0].Props.String(kg.PropAccreditationStatus), "the chart's facts replace the earlier ones")
		out, err := s.Neighbors(ctx, []string{"nhri:au-ahrc"}, kg.NeighborQuery{Direction: kg.Outgoing, Types: []kg.RelType{kg.RelMemberOf}})
		require.NoError(t, err)
		assert.Len(t, out[0], 1, "the network membership recorded from the network's page stays")
	})
}
