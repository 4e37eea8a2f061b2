// /metrics through a real Prometheus text-format parser (npm parse-prometheus-text-format):
// the exposition must parse, and the series the dashboard and operators rely on must be
// there with their types and labels. Env: SM_BASE_URL, SM_NODE_PACKAGE_DIR.
import { createRequire } from 'node:module';

const require = createRequire(`${process.env.SM_NODE_PACKAGE_DIR}/package.json`);
const parse = require('parse-prometheus-text-format');

function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exit(1);
}

const response = await fetch(`${process.env.SM_BASE_URL}/metrics`);
if (response.status !== 200) fail(`/metrics answered ${response.status}`);
if (!response.headers.get('content-type')?.startsWith('text/plain')) fail('not text/plain');
// prometheus-cpp writes a histogram's _count and _sum before its buckets; the text format
// does not fix that order, but this parser's flattening assumes buckets first and throws
// on an unlabelled histogram otherwise. Moving the bucket lines of each histogram ahead of
// its other samples changes no sample and keeps the parser honest about everything else.
function bucketsFirst(text) {
  const out = [];
  let pending = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) {
      out.push(...pending);
      pending = [];
      out.push(line);
    } else if (/^[a-zA-Z_:][a-zA-Z0-9_:]*_bucket[{ ]/.test(line)) {
      out.push(line);
    } else {
      pending.push(line);
    }
  }
  return [...out, ...pending].join('\n');
}
const exposition = await response.text();
if (!exposition.endsWith('\n')) fail('the exposition does not end with a newline');
const families = new Map(parse(bucketsFirst(exposition)).map((family) => [family.name, family]));
console.log(`parsed ${families.size} metric families`);

function expectFamily(name, type) {
  const family = families.get(name);
  if (!family) fail(`missing ${name}`);
  if (family.type !== type) fail(`${name} is a ${family.type}, expected ${type}`);
  return family;
}
function value(family, labels = {}) {
  const metric = family.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  if (!metric) fail(`${family.name} has no series ${JSON.stringify(labels)}`);
  return Number(metric.value ?? metric.count);
}

if (value(expectFamily('sm_sessions_created_total', 'COUNTER')) < 1) fail('no session counted as created');
if (value(expectFamily('sm_http_requests_total', 'COUNTER'), { code: '201' }) < 1) fail('no 201 counted');
if (value(expectFamily('sm_http_requests_total', 'COUNTER'), { code: '404' }) < 1) fail('no 404 counted');
const latency = expectFamily('sm_http_request_duration_seconds', 'HISTOGRAM');
if (!latency.metrics[0].buckets || Number(latency.metrics[0].count) < 2) fail('latency histogram is empty');
if (value(expectFamily('sm_connections', 'GAUGE'), { transport: 'sse' }) < 1) fail('the open SSE stream is not counted');
const bands = expectFamily('sm_connection_quality_connections', 'GAUGE');
const bandNames = bands.metrics.map((m) => m.labels.band).sort();
if (JSON.stringify(bandNames) !== JSON.stringify(['0-19', '20-39', '40-59', '60-79', '80-100'])) fail(`bands ${bandNames}`);
if (value(bands, { band: '80-100' }) < 1) fail('a healthy stream is not in the top band');
expectFamily('sm_connection_backlog_bytes', 'GAUGE');
expectFamily('sm_connection_advice_total', 'COUNTER');
expectFamily('sm_stream_subscribers', 'GAUGE');
expectFamily('sm_sse_events_sent_total', 'COUNTER');
expectFamily('sm_dashboard_feed_bytes_total', 'COUNTER');
console.log('PASS');
