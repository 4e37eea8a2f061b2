// Measures the live feed under load: 10,000 sessions, 1,000 events/s published into them.
//   server CPU of the feed: the runtime's CPU time (/proc/<pid>/stat) over a window with one
//     dashboard connected minus the same window without one, as % of one core;
//   bytes/s per dashboard: what one WebSocket client receives;
//   render time per update: Chromium's performance entries of the page ('dashboard-render').
// Env: SM_BASE_URL, SM_ADMIN_TOKEN, SM_SERVER_PID, SM_NODE_PACKAGE_DIR.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(`${process.env.SM_NODE_PACKAGE_DIR}/package.json`);
const { chromium } = require('playwright-core');

const base = process.env.SM_BASE_URL;
const token = process.env.SM_ADMIN_TOKEN;
const SESSIONS = Number(process.env.SM_BENCH_SESSIONS ?? 10000);
const EVENTS_PER_SECOND = Number(process.env.SM_BENCH_EVENTS ?? 1000);
const WINDOW_MS = Number(process.env.SM_BENCH_WINDOW_MS ?? 20000);
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

function cpuSeconds() {
  const fields = readFileSync(`/proc/${process.env.SM_SERVER_PID}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, clock ticks of 10 ms
}

async function inBatches(count, batch, make) {
  for (let i = 0; i < count; i += batch) await Promise.all(Array.from({ length: Math.min(batch, count - i) }, (_, j) => make(i + j)));
}

const ids = [];
await inBatches(SESSIONS, 100, async (i) => {
  const response = await fetch(`${base}/sessions`, { method: 'POST', headers, body: JSON.stringify({ user_id: `u${i % 500}` }) });
  ids.push((await response.json()).session_id);
});
console.log(`created ${ids.length} sessions`);

// 1,000 events/s in 20 ms ticks, to random sessions.
let publishing = true;
const perTick = EVENTS_PER_SECOND / 50;
(async () => {
  while (publishing) {
    const started = Date.now();
    await Promise.all(Array.from({ length: perTick }, () => fetch(`${base}/sessions/${ids[Math.floor(Math.random() * ids.length)]}/events`,
      { method: 'POST', headers, body: '{"type":"app.tick","data":{"n":1}}' }).then((r) => r.arrayBuffer())));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 20 - (Date.now() - started))));
  }
})();

async function cpuOver(ms) {
  const before = cpuSeconds();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return (cpuSeconds() - before) / (ms / 1000);
}

await new Promise((resolve) => setTimeout(resolve, 3000)); // settle
const withoutDashboard = await cpuOver(WINDOW_MS);

let bytes = 0;
const wsUrl = `${base.replace('http', 'ws')}/dashboard/live?token=${encodeURIComponent(token)}`;
const socket = new WebSocket(wsUrl);
let firstMessage = true;
socket.onmessage = (message) => {
  if (firstMessage) { firstMessage = false; return; } // the snapshot is paid once per connect
  bytes += Buffer.byteLength(message.data);
};
await new Promise((resolve) => { socket.onopen = resolve; });
const withDashboard = await cpuOver(WINDOW_MS);
const bytesPerSecond = bytes / (WINDOW_MS / 1000);
socket.close();

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
await page.goto(`${base}/dashboard/`);
await page.fill('#token', token);
await page.keyboard.press('Enter');
await page.waitForSelector('#app:not([hidden])');
await page.waitForTimeout(15000);
const renders = await page.evaluate(() => performance.getEntriesByName('dashboard-render').map((e) => e.duration));
await browser.close();
publishing = false;

renders.sort((a, b) => a - b);
const feedCpu = Math.max(0, withDashboard - withoutDashboard) * 100;
const result = {
  sessions: ids.length,
  events_per_second: EVENTS_PER_SECOND,
  server_cpu_without_dashboard_pct: +(withoutDashboard * 100).toFixed(2),
  server_cpu_with_dashboard_pct: +(withDashboard * 100).toFixed(2),
  feed_cpu_pct_of_one_core: +feedCpu.toFixed(2),
  feed_bytes_per_second: Math.round(bytesPerSecond),
  render_updates: renders.length,
  render_p50_ms: +(renders[Math.floor(renders.length / 2)] ?? 0).toFixed(2),
  render_max_ms: +(renders.at(-1) ?? 0).toFixed(2),
};
console.log(JSON.stringify(result, null, 2));
const ok = feedCpu <= 5 && bytesPerSecond <= 50 * 1024 && (renders.at(-1) ?? 0) <= 16;
console.log(ok ? 'WITHIN BUDGET' : 'OVER BUDGET');
process.exit(0);
