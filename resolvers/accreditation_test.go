package resolvers_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/storetest"
)

// A country's NHRI accreditation, as the SDG data records it, and no
// accreditation where none is recorded.
func TestCountryNHRIAccreditation(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		c := newClient(t, backend.ReadOnlySeeded(t))
		type accreditation struct {
			Status        string
			ReferenceYear int
			Citations     []struct{ Document, Section, Quote string }
		}
		var resp struct {
			Kenya, CoteDIvoire, Switzerland, Tonga *struct {
				Code              string
				NhriAccreditation *accreditation
			}
			Countries struct {
				Nodes []struct {
					NhriAccreditation *accreditation
				}
			}
		}
		mustPost(t, c, `{
		kenya: node(id: "country:ke") { ... on Country { code nhriAccreditation { status referenceYear citations { document section quote } } } }
		coteDIvoire: node(id: "country:ci") { ... on Country { code nhriAccreditation { status referenceYear citations { document section quote } } } }
		switzerland: node(id: "country:ch") { ... on Country { code nhriAccreditation { status } } }
		tonga: node(id: "country:to") { ... on Country { code nhriAccreditation { status } } }
		countries { nodes { nhriAccreditation { status referenceYear citations { quote } } } }
	}`, nil, &resp)

		require.NotNil(t, resp.Kenya)
		require.NotNil(t, resp.Kenya.NhriAccreditation, "Kenya has a recorded status")
		ke := resp.Kenya.NhriAccreditation
		assert.Equal(t, "A", ke.Status)
		assert.Equal(t, 2019, ke.ReferenceYear)
		require.Len(t, ke.Citations, 1)
		assert.Equal(t, "Accreditation > SG_NHR_IMPLN > 2019", ke.Citations[0].Section)
		assert.Equal(t, "404,c,number,2019,1", ke.Citations[0].Quote)
		assert.Contains(t, ke.Citations[0].Document, "indicator 16.a.1")

		require.NotNil(t, resp.CoteDIvoire)
		require.NotNil(t, resp.CoteDIvoire.NhriAccreditation)
		assert.Equal(t, "B", resp.CoteDIvoire.NhriAccreditation.Status)
		require.Len(t, resp.CoteDIvoire.NhriAccreditation.Citations, 1)
		assert.Equal(t, "Accreditation > SG_NHR_INTEXSTN > 2019", resp.CoteDIvoire.NhriAccreditation.Citations[0].Section)

		// C status in 2019 (Switzerland) and absent from the data (Tonga):
		// no recorded status.
		require.NotNil(t, resp.Switzerland)
		assert.Nil(t, resp.Switzerland.NhriAccreditation)
		require.NotNil(t, resp.Tonga)
		assert.Nil(t, resp.Tonga.NhriAccreditation)

		n := map[string]int{}
		for _, c := range resp.Countries.Nodes {
			if a := c.NhriAccreditation; a != nil {
				n[a.Status]++
				assert.Equal(t, 2019, a.ReferenceYear)
				assert.Len(t, a.Citations, 1)
			}
		}
		assert.Equal(t, map[string]int{"A": 78, "B": 33}, n)
	})
}
