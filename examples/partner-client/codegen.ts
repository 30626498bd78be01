// GraphQL Code Generator: reads the schema from a running server (its
// introspection) and the operations in src/, and writes their types to
// src/gql/. Run `npm run codegen` whenever the operations or the API change.
import type { CodegenConfig } from '@graphql-codegen/cli';

const endpoint = process.env.MARRAKECH_GRAPH_URL ?? 'http://localhost:8080/query';

const config: CodegenConfig = {
  schema: endpoint,
  documents: ['src/**/*.ts', '!src/gql/**/*'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: {
        // Typed documents as strings: no GraphQL runtime in the client.
        fragmentMasking: false,
      },
      config: {
        documentMode: 'string',
        useTypeImports: true,
        enumsAsTypes: true,
        onlyOperationTypes: true,
        // The API's own scalars: Date is `YYYY-MM-DD`, DateTime is RFC 3339
        // in UTC to the millisecond (what Date.toISOString writes).
        scalars: {
          ID: { input: 'string', output: 'string' },
          Date: { input: 'string', output: 'string' },
          DateTime: { input: 'string', output: 'string' },
        },
        strictScalars: true,
      },
    },
  },
};

export default config;
