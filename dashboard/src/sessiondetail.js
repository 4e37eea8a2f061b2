// The session dialog: the stored session (metadata, context, fields) and what the node
// sees live (its connections with their quality, its recent events, the event rate),
// refreshed every second while the dialog is open; Terminate asks for a confirmation.
import { roundTrip } from './views.js';

const REFRESH_MS = 1000;
const number = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });
const FIELDS = ['session_id', 'user_id', 'state', 'version', 'worker', 'created_at', 'last_updated', 'expires_at'];

function cells(values) {
  const tr = document.createElement('tr');
  for (const value of values) {
    const td = document.createElement('td');
    td.textContent = value ?? '—';
    tr.append(td);
  }
  return tr;
}

export class SessionDetail {
  constructor(api, elements, confirm, onTerminated) {
    Object.assign(this, { api, elements, confirm, onTerminated });
    elements.close.addEventListener('click', () => elements.dialog.close());
    elements.terminate.addEventListener('click', () => this.terminate().catch((error) => {
      elements.error.textContent = error.message;
    }));
    elements.dialog.addEventListener('close', () => this.stopRefresh());
  }

  async show(id) {
    const session = await this.api.call('GET', `/sessions/${encodeURIComponent(id)}`);
    this.current = session;
    this.lastCount = null;
    this.elements.error.textContent = '';
    this.renderSession(session);
    this.elements.rate.textContent = 'measuring…';
    await this.refresh();
    this.elements.dialog.showModal();
    this.timer = setInterval(() => this.refresh().catch(() => {}), REFRESH_MS);
  }

  renderSession(session) {
    this.elements.fields.replaceChildren(...FIELDS.flatMap((name) => {
      const dt = document.createElement('dt');
      dt.textContent = name.replace('_', ' ');
      const dd = document.createElement('dd');
      dd.textContent = session[name] ?? '—';
      return [dt, dd];
    }));
    this.elements.metadata.textContent = JSON.stringify(session.metadata ?? {}, null, 2);
    this.elements.context.textContent = JSON.stringify(session.context ?? {}, null, 2);
    this.elements.terminate.disabled = session.state === 'terminated' || session.state === 'expired';
  }

  // Connections and events from the node; the rate from two successive event totals.
  async refresh() {
    const id = this.current.session_id;
    const live = await this.api.call('GET', `/admin/sessions/${encodeURIComponent(id)}/live`);
    if (id !== this.current?.session_id) return;
    const now = performance.now();
    const total = live.stream.events_total;
    if (this.lastCount) {
      const rate = Math.max(0, total - this.lastCount.total) / ((now - this.lastCount.at) / 1000);
      this.elements.rate.textContent = `${number.format(rate)} events/s (${number.format(total)} so far)`;
    }
    this.lastCount = { total, at: now };
    this.elements.connections.tBodies[0].replaceChildren(...live.connections.map((c) => cells([
      c.transport, c.peer, c.score, c.rtt_ms == null ? 'n/a' : roundTrip.format(c.rtt_ms),
      `${number.format(c.backlog_bytes / 1024)} KiB`, c.reasons.join(', ') || '—'])));
    this.elements.noConnections.hidden = live.connections.length > 0;
    this.elements.events.replaceChildren(...live.stream.recent.slice().reverse().map((event) => {
      const item = document.createElement('li');
      const type = document.createElement('strong');
      type.textContent = event.type;
      item.append(type, ` ${event.id} ${JSON.stringify(event.data)}`);
      return item;
    }));
  }

  stopRefresh() {
    clearInterval(this.timer);
    this.timer = null;
  }

  async terminate() {
    const id = this.current?.session_id;
    if (!id || !(await this.confirm(`Terminate session ${id}? Its streams end at once.`))) return;
    await this.api.call('DELETE', `/sessions/${encodeURIComponent(id)}`);
    this.elements.dialog.close();
    this.onTerminated();
  }
}
