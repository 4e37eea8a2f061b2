// SSE conformance with the `eventsource` package: events published by a service arrive
// with ids <epoch>-<seq>; after the client's TCP connection is destroyed under it,
// EventSource reconnects on its own with Last-Event-ID and the server replays what was
// published meanwhile, so the ids the client sees have no gap and no repeat.
// Env: SM_BASE_URL, SM_SESSION_ID, SM_SESSION_TOKEN, SM_SERVICE_TOKEN, SM_NODE_PACKAGE_DIR.
import http from 'node:http';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';

const require = createRequire(`${process.env.SM_NODE_PACKAGE_DIR}/package.json`);
const { EventSource } = require('eventsource');

const base = process.env.SM_BASE_URL;
const sessionId = process.env.SM_SESSION_ID;
const streamUrl = `${base}/sessions/${sessionId}/events?token=${encodeURIComponent(process.env.SM_SESSION_TOKEN)}`;

function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exit(1);
}
setTimeout(() => fail('timed out'), 60000).unref();

// A fetch for EventSource over node:http so the test can reach the TCP socket and
// destroy it, which is what a dropped network or a load balancer reset looks like.
const sockets = new Set();
const requests = [];
function fetchOverHttp(url, init) {
  requests.push({ lastEventId: init.headers['Last-Event-ID'] ?? null });
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: init.headers, agent: false }, (response) => {
      sockets.add(response.socket);
      response.socket.on('close', () => sockets.delete(response.socket));
      resolve({
        status: response.statusCode,
        url: String(url),
        redirected: false,
        headers: { get: (name) => response.headers[name.toLowerCase()] ?? null },
        body: Readable.toWeb(response),
      });
    });
    request.on('error', reject);
    init.signal?.addEventListener('abort', () => request.destroy());
  });
}

async function publish(n) {
  const response = await fetch(`${base}/sessions/${sessionId}/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${process.env.SM_SERVICE_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'app.tick', data: { n } }),
  });
  if (response.status !== 202) fail(`publish answered ${response.status}: ${await response.text()}`);
  return (await response.json()).id;
}

const received = [];
let opens = 0;
const waiters = [];
function wake() {
  for (const waiter of [...waiters]) waiter();
}
function waitFor(condition, what) {
  return new Promise((resolve) => {
    const check = () => {
      if (!condition()) return;
      waiters.splice(waiters.indexOf(check), 1);
      resolve();
    };
    waiters.push(check);
    check();
  }).then(() => console.log(`ok: ${what}`));
}

const source = new EventSource(streamUrl, { fetch: fetchOverHttp });
source.addEventListener('open', () => { opens += 1; wake(); });
source.addEventListener('reset', (event) => fail(`unexpected reset: ${event.data}`));
source.addEventListener('app.tick', (event) => {
  received.push({ id: event.lastEventId, n: JSON.parse(event.data).n });
  wake();
});

const published = [];
let n = 0;
await waitFor(() => opens === 1, 'stream open');
for (let i = 0; i < 3; i += 1) published.push(await publish(n++));
await waitFor(() => received.length === published.length, 'live events');

for (let round = 1; round <= 2; round += 1) {
  const lastSeen = received.at(-1).id;
  for (const socket of sockets) socket.destroy();
  // Published while the client is away: only a resume can deliver these.
  for (let i = 0; i < 4; i += 1) published.push(await publish(n++));
  await waitFor(() => opens === round + 1, `reconnected (round ${round})`);
  if (requests.at(-1).lastEventId !== lastSeen) {
    fail(`reconnect sent Last-Event-ID ${requests.at(-1).lastEventId}, expected ${lastSeen}`);
  }
  published.push(await publish(n++));
  await waitFor(() => received.length === published.length, `replayed and live events (round ${round})`);
}
source.close();

const ids = received.map((event) => event.id);
if (JSON.stringify(ids) !== JSON.stringify(published)) {
  fail(`received ${JSON.stringify(ids)}, published ${JSON.stringify(published)}`);
}
const seqs = ids.map((id) => Number(id.split('-')[1]));
for (let i = 1; i < seqs.length; i += 1) {
  if (seqs[i] !== seqs[i - 1] + 1) fail(`gap or repeat between ${ids[i - 1]} and ${ids[i]}`);
}
if (received.some((event, index) => event.n !== index)) fail('payloads out of order');
console.log(`PASS: ${ids.length} events over ${opens} connections, ids ${ids[0]} .. ${ids.at(-1)}`);
process.exit(0);
