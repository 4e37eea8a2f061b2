// A second, independent gRPC client: @grpc/grpc-js with the API loaded from
// proto/sm/v1/session.proto at run time. Creates a session, reads it back, streams its
// events (published over REST by the harness's service token), resumes after a cancel
// with no gap, and checks an error's code and `sm-error-code` trailer.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(path.join(process.env.SM_NODE_PACKAGE_DIR, 'package.json'));
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const address = process.env.SM_GRPC_ADDRESS;
const baseUrl = process.env.SM_BASE_URL;
const userToken = process.env.SM_USER_TOKEN;
const serviceToken = process.env.SM_SERVICE_TOKEN;

const definition = protoLoader.loadSync('sm/v1/session.proto', {
  includeDirs: [process.env.SM_PROTO_DIR],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
});
const { sm } = grpc.loadPackageDefinition(definition);
const client = new sm.v1.SessionService(address, grpc.credentials.createInsecure());

function auth(token) {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

function unary(method, request, token = userToken) {
  return new Promise((resolve, reject) => {
    client[method](request, auth(token), { deadline: Date.now() + 10000 }, (error, response) =>
      error ? reject(error) : resolve(response));
  });
}

async function publish(sessionId, n) {
  const response = await fetch(`${baseUrl}/sessions/${sessionId}/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${serviceToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'app.tick', data: { n } }),
  });
  if (response.status !== 202) throw new Error(`publish answered ${response.status}`);
  return (await response.json()).id;
}

// Reads `count` events from StreamEvents after `lastEventId`, then cancels.
function readEvents(sessionId, lastEventId, count) {
  return new Promise((resolve, reject) => {
    const events = [];
    const call = client.StreamEvents({ session_id: sessionId, last_event_id: lastEventId }, auth(userToken));
    call.on('data', (event) => {
      events.push(event);
      if (events.length === count) call.cancel();
    });
    call.on('error', (error) => (error.code === grpc.status.CANCELLED ? resolve(events) : reject(error)));
    call.on('end', () => resolve(events));
  });
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const seqOf = (id) => Number(id.split('-')[1]);

try {
  const created = await unary('CreateSession', { metadata_json: '{"client":"node"}' });
  const id = created.session.session_id;
  check(created.token.length > 0, 'no session token');
  check(created.session.state === 'SESSION_STATE_ACTIVE', `state ${created.session.state}`);

  const fetched = await unary('GetSession', { session_id: id });
  check(fetched.session_id === id, 'GetSession returned another session');
  check(JSON.parse(fetched.metadata_json).client === 'node', 'metadata lost');

  const ids = [];
  for (let n = 0; n < 6; n++) ids.push(await publish(id, n));
  const epoch = ids[0].split('-')[0];
  const first = await readEvents(id, `${epoch}-0`, 3);
  check(first.length === 3, `first read got ${first.length} events`);
  const resumed = await readEvents(id, first[2].id, 3);
  const all = [...first, ...resumed].map((event) => event.id);
  check(JSON.stringify(all) === JSON.stringify(ids), `ids ${all} != published ${ids}`);
  for (let i = 1; i < all.length; i++) check(seqOf(all[i]) === seqOf(all[i - 1]) + 1, 'gap in event ids');
  check(JSON.parse(resumed[2].data_json).n === 5, 'event data mismatch');

  try {
    await unary('GetSession', { session_id: 'AAAAAAAAAAAAAAAAAAAAAA' });
    throw new Error('unknown session was found');
  } catch (error) {
    check(error.code === grpc.status.NOT_FOUND, `code ${error.code}`);
    check(error.metadata.get('sm-error-code')[0] === 'not_found', 'sm-error-code trailer missing');
  }
  console.log('PASS grpc-js client: create, get, stream, resume without gap, errors');
  client.close();
} catch (error) {
  console.error('FAIL', error);
  process.exit(1);
}
