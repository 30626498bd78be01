package neo4j

import (
	"context"
	"errors"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/stretchr/testify/assert"

	"marrakechgraph/kg"
)

func TestClassify(t *testing.T) {
	live := context.Background()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for name, tc := range map[string]struct {
		ctx  context.Context
		err  error
		code kg.Code
	}{
		"connectivity":        {live, &neo4j.ConnectivityError{Inner: errors.New("dial tcp: connection refused")}, kg.CodeUnavailable},
		"retries exhausted":   {live, &neo4j.TransactionExecutionLimit{Cause: "timeout", Errors: []error{errors.New("leader switch")}}, kg.CodeUnavailable},
		"database down":       {live, &neo4j.Neo4jError{Code: "Neo.TransientError.General.DatabaseUnavailable", Msg: "down"}, kg.CodeUnavailable},
		"constraint":          {live, &neo4j.Neo4jError{Code: "Neo.ClientError.Schema.ConstraintValidationFailed", Msg: "dup"}, kg.CodeConflict},
		"syntax is internal":  {live, &neo4j.Neo4jError{Code: "Neo.ClientError.Statement.SyntaxError", Msg: "bad"}, kg.CodeInternal},
		"domain error passes": {live, kg.Errorf(kg.CodeNotFound, "node x does not exist"), kg.CodeNotFound},
	} {
		t.Run(name, func(t *testing.T) {
			err := classify(tc.ctx, tc.err)
			assert.Equal(t, tc.code, kg.ErrorCode(err))
			if tc.code != kg.CodeInternal {
				assert.NotContains(t, kg.ClientMessage(err), "tcp", "driver details stay out of client messages")
			}
		})
	}
	err := classify(cancelled, &neo4j.ConnectivityError{Inner: errors.New("closed")})
	assert.ErrorIs(t, err, context.Canceled)
	assert.NoError(t, classify(live, nil))
}
