// Package neo4j is the Neo4j backend of kg.Store, on the official driver
// (github.com/neo4j/neo4j-go-driver/v5). It passes the same conformance
// suite as the embedded store, so that STORE=neo4j changes nothing a client
// can see.
package neo4j
