// A real browser's EventSource (headless Chromium driven over CDP by playwright-core)
// receives events, has its connection reset mid-stream, reconnects by itself with
// Last-Event-ID once the network is back, and ends with every published id, in order,
// no gap. The browser reaches the runtime through a small TCP relay standing in for a
// load balancer: resetting the relay's connections is the network drop. (Chromium's
// CDP offline emulation only fails new requests; it leaves an open stream alone.)
// Env: SM_BASE_URL, SM_SESSION_ID, SM_SESSION_TOKEN, SM_SERVICE_TOKEN,
//      SM_NODE_PACKAGE_DIR, SM_ARTIFACT_DIR (where the screenshot goes).
import { createRequire } from 'node:module';
import net from 'node:net';

const require = createRequire(`${process.env.SM_NODE_PACKAGE_DIR}/package.json`);
const { chromium } = require('playwright-core');

const base = process.env.SM_BASE_URL;
const sessionId = process.env.SM_SESSION_ID;

let browser;
async function fail(message) {
  console.error(`FAIL: ${message}`);
  await browser?.close().catch(() => {});
  process.exit(1);
}
setTimeout(() => fail('timed out'), 90000).unref();

async function publish(n) {
  const response = await fetch(`${base}/sessions/${sessionId}/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${process.env.SM_SERVICE_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'app.tick', data: { n } }),
  });
  if (response.status !== 202) await fail(`publish answered ${response.status}: ${await response.text()}`);
  return (await response.json()).id;
}

// The relay: forwards to the runtime, remembers each request's Last-Event-ID, and
// while `offline` refuses connections the way an unreachable host would.
const runtime = new URL(base);
const relay = { offline: false, connections: new Set(), lastEventIds: [] };
const relayServer = net.createServer((client) => {
  if (relay.offline) return client.resetAndDestroy();
  const upstream = net.connect(Number(runtime.port), runtime.hostname);
  const pair = { client, upstream };
  relay.connections.add(pair);
  client.once('data', (head) => {
    const match = /^last-event-id:\s*(\S+)\r$/im.exec(head.toString('latin1'));
    if (/^GET \/sessions\/[^ ]+\/events/.test(head.toString('latin1'))) relay.lastEventIds.push(match?.[1] ?? null);
  });
  client.pipe(upstream).pipe(client);
  const close = () => { relay.connections.delete(pair); client.destroy(); upstream.destroy(); };
  client.on('error', close).on('close', close);
  upstream.on('error', close).on('close', close);
});
await new Promise((resolve) => relayServer.listen(0, '127.0.0.1', resolve));
const relayOrigin = `http://127.0.0.1:${relayServer.address().port}`;
function dropNetwork() {
  relay.offline = true;
  for (const { client, upstream } of relay.connections) {
    client.resetAndDestroy();
    upstream.destroy();
  }
}

browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext();
const page = await context.newPage();
page.on('console', (message) => console.log(`page: ${message.text()}`));
const landing = await page.goto(`${relayOrigin}/healthz`);
if (!landing.ok()) await fail(`landing page answered ${landing.status()}`);

await page.evaluate(({ id, token }) => {
  window.sse = { received: [], opens: 0, errors: 0, resets: 0 };
  const source = new EventSource(`/sessions/${id}/events?token=${encodeURIComponent(token)}`);
  source.addEventListener('open', () => { window.sse.opens += 1; });
  source.addEventListener('error', () => { window.sse.errors += 1; });
  source.addEventListener('reset', () => { window.sse.resets += 1; });
  source.addEventListener('app.tick', (event) => {
    window.sse.received.push({ id: event.lastEventId, n: JSON.parse(event.data).n });
  });
}, { id: sessionId, token: process.env.SM_SESSION_TOKEN });

const state = () => page.evaluate(() => window.sse);
async function waitFor(condition, what) {
  await page.waitForFunction(condition, null, { timeout: 30000, polling: 50 })
    .catch(async () => fail(`${what}: ${JSON.stringify(await state())}`));
  console.log(`ok: ${what}`);
}

const published = [];
let n = 0;
await waitFor(() => window.sse.opens === 1, 'stream open');
for (let i = 0; i < 3; i += 1) published.push(await publish(n++));
await waitFor(`window.sse.received.length === ${published.length}`, 'live events');

dropNetwork();
await waitFor(() => window.sse.errors >= 1, 'connection reset seen by the page');
// Published while the browser cannot connect: only a resume can deliver these.
for (let i = 0; i < 4; i += 1) published.push(await publish(n++));
relay.offline = false;
await waitFor(() => window.sse.opens >= 2, 'reconnected when the network is back');
if (relay.lastEventIds.at(-1) !== published[2]) {
  await fail(`reconnect sent Last-Event-ID ${relay.lastEventIds.at(-1)}, expected ${published[2]}`);
}
published.push(await publish(n++));
await waitFor(`window.sse.received.length >= ${published.length}`, 'replayed and live events');

const final = await state();
const ids = final.received.map((event) => event.id);
if (final.resets !== 0) await fail(`unexpected reset events: ${final.resets}`);
if (JSON.stringify(ids) !== JSON.stringify(published)) {
  await fail(`received ${JSON.stringify(ids)}, published ${JSON.stringify(published)}`);
}
const seqs = ids.map((id) => Number(id.split('-')[1]));
for (let i = 1; i < seqs.length; i += 1) {
  if (seqs[i] !== seqs[i - 1] + 1) await fail(`gap or repeat between ${ids[i - 1]} and ${ids[i]}`);
}

await page.evaluate((summary) => {
  document.body.innerHTML = '';
  const pre = document.createElement('pre');
  pre.style.font = '14px monospace';
  pre.textContent = summary;
  document.body.appendChild(pre);
}, `EventSource on ${base}\nopens: ${final.opens}, errors: ${final.errors}\n`
  + final.received.map((event) => `${event.id}  app.tick  n=${event.n}`).join('\n'));
await page.screenshot({ path: `${process.env.SM_ARTIFACT_DIR}/chromium-eventsource.png` });
await browser.close();
relayServer.close();
console.log(`PASS: ${ids.length} events over ${final.opens} connections, ids ${ids[0]} .. ${ids.at(-1)}`);
process.exit(0);
