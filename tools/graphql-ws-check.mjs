// Subscribes to threatReported with the graphql-ws client, as a browser or
// Node application would, and reports how the client lives through a
// refused key: every connection attempt, every close code, every error.
//
//   node graphql-ws-check.mjs <ws URL> <API key> wrong-key
//     lazy client with a subscription; watches for 2 s from the start.
//   node graphql-ws-check.mjs <ws URL> <API key> revoke
//     eager client; prints {"event":"next"} for each event, so the caller
//     can revoke the key, then watches for 2 s after the subscription ends
//     (at most 20 s in all).
//
// Each event is one JSON line on stdout; the last is
// {"event":"summary","attempts":N,"attemptsAfterEnd":N,"closeCodes":[...],"errors":[...]}.
// The client retries as eagerly as it may (retryAttempts 1000, 10 ms
// waits): any reconnecting loop shows in "attempts".
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, key, mode] = process.argv.slice(2);
if (!url || key === undefined || !['wrong-key', 'revoke'].includes(mode)) {
  console.error('usage: node graphql-ws-check.mjs <ws URL> <API key> wrong-key|revoke');
  process.exit(2);
}

const print = (v) => console.log(JSON.stringify(v));
let attempts = 0;
let attemptsAfterEnd = 0;
let ended = false;
const closeCodes = [];
const errors = [];

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  lazy: mode === 'wrong-key',
  connectionParams: key ? { Authorization: `Bearer ${key}` } : {},
  retryAttempts: 1000,
  retryWait: () => new Promise((resolve) => setTimeout(resolve, 10)),
  shouldRetry: () => true,
  onNonLazyError: (err) => {
    errors.push(describe(err));
    print({ event: 'fatal', error: describe(err) });
    end();
  },
  on: {
    connecting: () => {
      attempts++;
      if (ended) attemptsAfterEnd++;
      print({ event: 'connecting', attempt: attempts });
    },
    connected: () => print({ event: 'connected' }),
    closed: (ev) => {
      closeCodes.push(ev.code);
      print({ event: 'closed', code: ev.code, reason: String(ev.reason ?? '') });
    },
  },
});

function describe(err) {
  if (Array.isArray(err)) {
    return { graphql: err.map((e) => ({ message: e.message, code: e.extensions?.code ?? null })) };
  }
  if (err && typeof err.code === 'number') return { closeCode: err.code, reason: String(err.reason ?? '') };
  return { message: String(err?.message ?? err) };
}

let finish;
const done = new Promise((resolve) => (finish = resolve));
let endTimer;
function end() {
  if (ended) return;
  ended = true;
  endTimer = setTimeout(finish, mode === 'revoke' ? 2000 : 0);
}

client.subscribe(
  { query: 'subscription { threatReported { id } }' },
  {
    next: (v) => print({ event: 'next', errors: (v.errors ?? []).map((e) => e.extensions?.code ?? null) }),
    error: (err) => {
      errors.push(describe(err));
      print({ event: 'error', error: describe(err) });
      if (mode === 'revoke') end();
    },
    complete: () => {
      print({ event: 'complete' });
      if (mode === 'revoke') end();
    },
  },
);

const limit = setTimeout(finish, mode === 'revoke' ? 20000 : 2000);
await done;
clearTimeout(limit);
clearTimeout(endTimer);
print({ event: 'summary', attempts, attemptsAfterEnd, closeCodes, errors });
await client.dispose();
process.exit(0);
