// Rendering of the live state into the page. Each view rewrites only its own element,
// and only when its part of the state changed, so an update stays well under a frame.

const number = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });
// Round trips range from microseconds (TCP on a LAN) to seconds.
export const roundTrip = new Intl.NumberFormat('en', { maximumSignificantDigits: 3 });

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text ?? '—';
  return td;
}

function row(values) {
  const tr = document.createElement('tr');
  for (const value of values) tr.append(value instanceof Node ? value : cell(value));
  return tr;
}

function fillCards(list, cards) {
  const fragment = document.createDocumentFragment();
  for (const [label, value, id] of cards) {
    const wrapper = document.createElement('div');
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = value;
    if (id) dd.dataset.counter = id;
    wrapper.append(dt, dd);
    fragment.append(wrapper);
  }
  list.replaceChildren(fragment);
}

export function renderCounters(element, state) {
  const { rates, latency, sessions, totals, connections } = state;
  fillCards(element, [
    ['Open sessions', number.format(sessions.open), 'sessions-open'],
    ['Created', number.format(totals.sessions_created), 'sessions-created'],
    ['Terminated', number.format(sessions.terminated), 'sessions-terminated'],
    ['Expired', number.format(sessions.expired), 'sessions-expired'],
    ['Created/s', number.format(rates.sessions_created), 'rate-created'],
    ['Expired/s', number.format(rates.sessions_expired), 'rate-expired'],
    ['Requests/s', number.format(rates.requests), 'rate-requests'],
    ['p50 / p99 ms', `${number.format(latency.p50_ms)} / ${number.format(latency.p99_ms)}`, 'latency'],
    ['Events delivered/s', number.format(rates.events_delivered), 'rate-events'],
    ['Errors/s', number.format(rates.errors), 'rate-errors'],
    ['Open streams', number.format(connections.open), 'connections-open'],
  ]);
}

export function renderWorkers(table, modeNote, workers, onAction) {
  const inProcess = workers.mode === 'in-process';
  modeNote.hidden = !inProcess;
  table.hidden = inProcess;
  const rows = workers.list.map((worker) => {
    const actions = document.createElement('td');
    for (const action of ['drain', 'restart']) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = action === 'drain' ? 'Drain' : 'Restart';
      button.setAttribute('aria-label', `${button.textContent} worker ${worker.id}`);
      button.addEventListener('click', () => onAction(worker.id, action));
      actions.append(button);
    }
    const tr = row([worker.id, worker.state, worker.sessions, `${number.format(worker.ring_share * 100)} %`,
      number.format(worker.rps), number.format(worker.p99_ms), `${worker.heartbeat_age_ms} ms`,
      worker.restarts, actions]);
    // Named for scripts and tests that read one worker's figures.
    tr.dataset.worker = worker.id;
    tr.cells[1].dataset.field = 'state';
    tr.cells[7].dataset.field = 'restarts';
    return tr;
  });
  table.tBodies[0].replaceChildren(...rows);
}

export function renderQuality(cards, bands, worst, connections) {
  fillCards(cards, [
    ['Connections', number.format(connections.open)],
    ['Mean RTT', connections.mean_rtt_ms == null ? 'n/a' : `${roundTrip.format(connections.mean_rtt_ms)} ms`],
    ['Backlog', `${number.format(connections.backlog_bytes / 1024)} KiB`],
    ['Drops (1 min)', number.format(connections.drops_last_minute)],
    ['Reconnects (5 min)', number.format(connections.reconnects_last_5min)],
    ['Advice sent', number.format(connections.advice_sent)],
  ]);
  const labels = ['0–19', '20–39', '40–59', '60–79', '80–100'];
  const total = Math.max(1, connections.quality_bands.reduce((a, b) => a + b, 0));
  bands.replaceChildren(...connections.quality_bands.map((count, index) => {
    const bar = document.createElement('div');
    bar.className = `band band-${index}`;
    bar.style.flexGrow = String(Math.max(count / total, 0.02));
    bar.textContent = `${labels[index]}: ${count}`;
    return bar;
  }));
  bands.setAttribute('aria-label', `Connections by quality score: ${
    labels.map((label, i) => `${label} ${connections.quality_bands[i]}`).join(', ')}`);
  worst.tBodies[0].replaceChildren(...connections.worst.map((c) => row([
    c.score, c.transport, c.session_id, c.peer, `${number.format(c.backlog_bytes / 1024)} KiB`,
    number.format(c.flush_ms), c.reasons.join(', ') || '—'])));
}

export function renderErrors(table, errors) {
  table.tBodies[0].replaceChildren(...Object.entries(errors).map(([status, count]) => row([status, count])));
}

export function renderPlugins(table, plugins) {
  table.tBodies[0].replaceChildren(...plugins.map((p) => row([p.id, p.version, p.kind, p.state])));
}
