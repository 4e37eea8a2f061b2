import { applyDelta } from './state.js';

// The live feed: a WebSocket on the page's own origin. It reconnects with backoff when
// it drops and reports "stale" once no update has arrived for a few seconds.
const STALE_AFTER_MS = 3000;

export class LiveFeed {
  constructor(token, { onSnapshot, onUpdate, onStatus }) {
    this.token = token;
    this.handlers = { onSnapshot, onUpdate, onStatus };
    this.state = null;
    this.backoffMs = 500;
    this.lastMessage = 0;
    this.closed = false;
    this.staleTimer = setInterval(() => this.checkStale(), 1000);
  }

  connect() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const url = `${scheme}://${location.host}/dashboard/live?token=${encodeURIComponent(this.token)}`;
    this.socket = new WebSocket(url);
    this.handlers.onStatus(this.state ? 'stale' : 'connecting');
    this.socket.onmessage = (message) => this.receive(JSON.parse(message.data));
    this.socket.onclose = () => this.retry();
  }

  receive(message) {
    this.lastMessage = Date.now();
    this.backoffMs = 500;
    if (message.type === 'snapshot') {
      this.state = message.state;
      this.handlers.onSnapshot(this.state, message.history);
    } else if (message.type === 'delta' && this.state) {
      applyDelta(this.state, message.delta);
      this.handlers.onUpdate(this.state, message.t);
    }
    this.handlers.onStatus('live');
  }

  retry() {
    if (this.closed) return;
    this.handlers.onStatus(this.state ? 'stale' : 'offline');
    setTimeout(() => this.connect(), this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, 10000);
  }

  checkStale() {
    if (this.state && Date.now() - this.lastMessage > STALE_AFTER_MS) this.handlers.onStatus('stale');
  }

  close() {
    this.closed = true;
    clearInterval(this.staleTimer);
    this.socket?.close();
  }
}
