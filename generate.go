package main

// The GraphQL code in graph/ is generated from schema/ by gqlgen, configured
// in gqlgen.yml; resolvers/ holds the hand-written resolvers it calls.
//go:generate go tool gqlgen generate
