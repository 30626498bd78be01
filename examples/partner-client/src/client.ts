// A small typed GraphQL client over fetch: the documents in operations.ts,
// typed by GraphQL Code Generator, fix the variables a call takes and the
// shape of the data it returns.
import type { TypedDocumentString } from './gql/graphql';

/** An error of a GraphQL answer, as the API writes it. */
export interface GraphQLError {
  message: string;
  /** The field the error belongs to, such as ["threatIncidents"]; absent when the whole operation failed. */
  path?: ReadonlyArray<string | number>;
  extensions?: {
    /** BAD_USER_INPUT, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, GRAPHQL_VALIDATION_FAILED, … */
    code?: string;
    [key: string]: unknown;
  };
}

/**
 * An answer: the data (null when the operation could not run) and the
 * errors. A field the caller may not read is null in `data` with its own
 * error, and the rest of `data` is served.
 */
export interface Result<TData> {
  data: TData | null;
  errors: GraphQLError[];
}

export interface ClientOptions {
  /** The GraphQL endpoint, such as https://graph.example.org/query. */
  url: string;
  /** An API key, for the fields that need one; none for public reads. */
  apiKey?: string | undefined;
}

type VariablesOf<TVariables> = TVariables extends { [key: string]: never } ? [] : [variables: TVariables];

export class MarrakechGraph {
  constructor(private readonly options: ClientOptions) {}

  /** Runs a typed operation; only a transport failure throws. */
  async request<TData, TVariables>(
    document: TypedDocumentString<TData, TVariables>,
    ...[variables]: VariablesOf<TVariables>
  ): Promise<Result<TData>> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
    };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    const res = await fetch(this.options.url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
    });
    const type = res.headers.get('content-type') ?? '';
    if (!type.includes('json')) {
      throw new Error(`${this.options.url} answered ${res.status} ${type}: ${(await res.text()).slice(0, 200)}`);
    }
    const body = (await res.json()) as { data?: TData | null; errors?: GraphQLError[] };
    return { data: body.data ?? null, errors: body.errors ?? [] };
  }
}

/** The codes of the errors of an answer, with the path of each. */
export function errorCodes(errors: GraphQLError[]): { code: string; path: string }[] {
  return errors.map((e) => ({ code: e.extensions?.code ?? 'UNKNOWN', path: (e.path ?? []).join('.') }));
}
