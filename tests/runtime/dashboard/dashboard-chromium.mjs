// The dashboard in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core):
// log in with the keyboard, see the live counters follow sessions created and deleted
// through the API, search a session, see its connections, event rate and recent events in
// its detail view and terminate it there (with the confirmation), see a worker killed with
// SIGKILL come back in the workers table, see the page turn "stale" while the runtime is
// frozen (SIGSTOP) and "live" again after, check the phone layout, and save screenshots.
// Env: SM_BASE_URL, SM_ADMIN_TOKEN, SM_RUNTIME_PID, SM_NODE_PACKAGE_DIR, SM_ARTIFACT_DIR.
import { createRequire } from 'node:module';

const require = createRequire(`${process.env.SM_NODE_PACKAGE_DIR}/package.json`);
const { chromium } = require('playwright-core');

const base = process.env.SM_BASE_URL;
const token = process.env.SM_ADMIN_TOKEN;
const artifacts = process.env.SM_ARTIFACT_DIR;
const runtimePid = Number(process.env.SM_RUNTIME_PID);
let browser;
let frozen = false;

async function fail(message) {
  console.error(`FAIL: ${message}`);
  if (frozen) process.kill(runtimePid, 'SIGCONT');
  await browser?.close().catch(() => {});
  process.exit(1);
}
setTimeout(() => fail('timed out'), 120000).unref();

async function api(method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const pageErrors = [];
page.on('pageerror', (error) => pageErrors.push(error.message));
await page.goto(`${base}/dashboard/`);

// Keyboard only: the token field has focus on load, Enter submits.
await page.waitForFunction(() => document.activeElement?.id === 'token');
await page.keyboard.type('not-a-token');
await page.keyboard.press('Enter');
await page.waitForFunction(() => document.getElementById('login-error').textContent.length > 0);
await page.fill('#token', token);
await page.keyboard.press('Enter');
await page.waitForSelector('#app:not([hidden])');
await page.waitForFunction(() => document.getElementById('feed-status').textContent === 'live', null, { timeout: 10000 });
console.log('logged in, feed live');

const counter = (id) => page.$eval(`[data-counter="${id}"]`, (el) => Number(el.textContent.replace(/,/g, '')));
async function waitForCounter(id, expected) {
  await page.waitForFunction(([name, want]) => {
    const el = document.querySelector(`[data-counter="${name}"]`);
    return el && Number(el.textContent.replace(/,/g, '')) === want;
  }, [id, expected], { timeout: 10000 }).catch(async () => fail(`${id} never showed ${expected} (shows ${await counter(id)})`));
}

const created0 = await counter('sessions-created');
const terminated0 = await counter('sessions-terminated');
const user = `dash-${Date.now()}`;
const ids = [];
for (let i = 0; i < 3; ++i) {
  const created = await api('POST', '/sessions', { user_id: user, metadata: { client_version: `t${i}` } });
  if (created.status !== 201) await fail(`create answered ${created.status}`);
  ids.push(created.json.session_id);
}
await waitForCounter('sessions-created', created0 + 3);
console.log('created sessions seen live');
if ((await api('DELETE', `/sessions/${ids[0]}`)).status !== 204) await fail('delete failed');
await waitForCounter('sessions-terminated', terminated0 + 1);
console.log('deleted session seen live');
await page.screenshot({ path: `${artifacts}/dashboard-1280x800.png`, fullPage: true });

// Search by user: the three sessions, one of them already terminated.
await page.fill('#session-search input[name="user"]', user);
await page.click('#session-search button[type="submit"]');
await page.waitForFunction(() => document.querySelectorAll('#sessions tbody tr').length === 3, null, { timeout: 10000 })
  .catch(() => fail('search did not list the three sessions'));
// An open SSE stream and a few events on the session the detail view will show.
const stream = new AbortController();
const sse = await fetch(`${base}/sessions/${ids[1]}/events`, {
  headers: { authorization: `Bearer ${token}` }, signal: stream.signal,
});
if (sse.status !== 200) await fail(`SSE stream answered ${sse.status}`);
sse.body.getReader().read().catch(() => {});
for (let i = 0; i < 3; ++i) {
  const pushed = await api('POST', `/sessions/${ids[1]}/events`, { type: 'app.note', data: { n: i } });
  if (pushed.status !== 202) await fail(`publishing answered ${pushed.status}`);
}

// Search by id, open it: metadata, its SSE connection with its quality, its recent events
// and an event rate; then terminate it with the confirmation.
await page.fill('#session-search input[name="user"]', '');
await page.fill('#session-search input[name="id"]', ids[1]);
await page.click('#session-search button[type="submit"]');
await page.waitForFunction(() => document.querySelectorAll('#sessions tbody tr').length === 1);
await page.click(`#sessions tbody button[aria-label="Open session ${ids[1]}"]`);
await page.waitForSelector('#session-detail[open]');
if (!(await page.textContent('#detail-metadata')).includes('t1')) await fail('detail does not show the metadata');
await page.waitForFunction(() => [...document.querySelectorAll('#detail-connections tbody tr')]
  .some((tr) => tr.cells[0].textContent === 'sse' && Number(tr.cells[2].textContent) >= 0), null, { timeout: 10000 })
  .catch(() => fail('detail does not show the session\'s SSE connection with its score'));
const recent = await page.$$eval('#detail-events li strong', (items) => items.map((i) => i.textContent));
if (recent.filter((type) => type === 'app.note').length !== 3) await fail(`recent events: ${recent}`);
// The rate needs two readings a second apart; the total counts every event of the session.
await page.waitForFunction(() => Number(/events\/s \((\d+) so far\)/.exec(document.getElementById('detail-rate').textContent)?.[1]) >= 3,
  null, { timeout: 5000 }).catch(async () => fail(`event rate shows "${await page.textContent('#detail-rate')}"`));
console.log('detail shows connections, recent events and the event rate');
await page.screenshot({ path: `${artifacts}/dashboard-session.png` });
await page.click('#terminate');
await page.waitForSelector('#confirm[open]');
await page.click('#confirm-yes');
await page.waitForFunction(() => !document.querySelector('#session-detail[open]'));
const after = await api('GET', `/sessions/${ids[1]}`);
if (after.json?.state !== 'terminated') await fail(`terminated from the page, but the session is ${after.json?.state}`);
await waitForCounter('sessions-terminated', terminated0 + 2);
stream.abort();
console.log('terminated from the page');

// A worker killed with SIGKILL: the pool restarts it and the table shows the restart.
const workers = (await api('GET', '/admin/workers')).json.workers;
const victim = workers.find((w) => w.state === 'live' && w.pid > 0);
if (!victim) await fail(`no live local worker to kill: ${JSON.stringify(workers)}`);
const workerField = (id, field) => page.$eval(`#workers tr[data-worker="${id}"] [data-field="${field}"]`,
  (el) => el.textContent).catch(() => null);
await page.waitForFunction((id) => document.querySelector(`#workers tr[data-worker="${id}"]`), victim.id);
const restarts0 = Number(await workerField(victim.id, 'restarts'));
process.kill(victim.pid, 'SIGKILL');
await page.waitForFunction(([id, want]) => {
  const row = document.querySelector(`#workers tr[data-worker="${id}"]`);
  return row && Number(row.querySelector('[data-field="restarts"]').textContent) === want
    && row.querySelector('[data-field="state"]').textContent === 'live';
}, [victim.id, restarts0 + 1], { timeout: 20000 }).catch(async () =>
  fail(`worker ${victim.id}: restarts ${await workerField(victim.id, 'restarts')}, state ${await workerField(victim.id, 'state')}`));
console.log(`killed worker ${victim.id} (pid ${victim.pid}): the table shows its restart`);
await page.screenshot({ path: `${artifacts}/dashboard-workers.png`, fullPage: true });

// The feed drops (the runtime frozen): the page says "stale", then "live" once it is back.
process.kill(runtimePid, 'SIGSTOP');
frozen = true;
await page.waitForFunction(() => document.getElementById('feed-status').textContent === 'stale', null, { timeout: 10000 })
  .catch(() => fail('the page never showed "stale" while the feed was gone'));
await page.screenshot({ path: `${artifacts}/dashboard-stale.png` });
process.kill(runtimePid, 'SIGCONT');
frozen = false;
await page.waitForFunction(() => document.getElementById('feed-status').textContent === 'live', null, { timeout: 15000 })
  .catch(() => fail('the page did not recover to "live" after the feed came back'));
console.log('stale while the feed was gone, live again after');

const plugins = await page.$$eval('#plugins tbody tr td:first-child', (cells) => cells.map((c) => c.textContent));
if (!plugins.includes('transport-sse')) await fail(`plugins table: ${plugins}`);

// Render cost of live updates, from the page's own performance entries.
const renders = await page.evaluate(() => performance.getEntriesByName('dashboard-render').map((e) => e.duration));
const worst = Math.max(...renders);
console.log(`render: ${renders.length} updates, worst ${worst.toFixed(2)} ms`);

// Phone width: no horizontal scrolling of the page itself.
await page.setViewportSize({ width: 390, height: 844 });
await page.waitForTimeout(300);
const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
await page.screenshot({ path: `${artifacts}/dashboard-phone.png`, fullPage: true });
if (overflow > 1) await fail(`the page scrolls sideways by ${overflow}px at phone width`);
if (pageErrors.length) await fail(`page errors: ${pageErrors.join('; ')}`);
await browser.close();
console.log('PASS');
