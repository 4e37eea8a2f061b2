import './style.css';
import { Api } from './api.js';
import { Charts } from './charts.js';
import { LiveFeed } from './feed.js';
import { SessionBrowser } from './sessions.js';
import { SessionDetail } from './sessiondetail.js';
import { renderCounters, renderErrors, renderPlugins, renderQuality, renderWorkers } from './views.js';

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = 'sm-dashboard-token';

// A modal yes/no: resolves true only on an explicit Confirm.
function confirmAction(text) {
  const dialog = $('confirm');
  $('confirm-text').textContent = text;
  return new Promise((resolve) => {
    const finish = (answer) => {
      $('confirm-yes').onclick = $('confirm-no').onclick = dialog.oncancel = null;
      dialog.close();
      resolve(answer);
    };
    $('confirm-yes').onclick = () => finish(true);
    $('confirm-no').onclick = () => finish(false);
    dialog.oncancel = () => finish(false);
    dialog.showModal();
    $('confirm-no').focus();
  });
}

function showStatus(status) {
  const element = $('feed-status');
  element.textContent = status;
  element.dataset.status = status;
}

class Dashboard {
  constructor(token) {
    this.api = new Api(token);
    this.charts = new Charts({ traffic: $('chart-traffic'), latency: $('chart-latency'), load: $('chart-load') });
    const detail = new SessionDetail(this.api, {
      dialog: $('session-detail'), fields: $('detail-fields'), metadata: $('detail-metadata'),
      context: $('detail-context'), rate: $('detail-rate'), connections: $('detail-connections'),
      noConnections: $('detail-no-connections'), events: $('detail-events'), error: $('detail-error'),
      terminate: $('terminate'), close: $('close-detail'),
    }, confirmAction, () => this.sessions.load());
    this.sessions = new SessionBrowser(this.api, {
      form: $('session-search'), table: $('sessions'), error: $('session-error'), prev: $('prev-page'),
      next: $('next-page'),
    }, detail);
    this.previous = {};
    this.feed = new LiveFeed(token, {
      onSnapshot: (state, history) => { this.previous = {}; this.charts.load(history); this.render(state); },
      onUpdate: (state, t) => { this.charts.append(t, state); this.render(state); },
      onStatus: showStatus,
    });
    this.feed.connect();
    this.sessions.load();
  }

  // Renders the sections whose state changed; measured for the render-time budget.
  render(state) {
    performance.mark('render-start');
    const changed = (key) => this.previous[key] !== state[key];
    $('draining').hidden = !state.node.draining;
    if (['rates', 'latency', 'sessions', 'totals', 'connections'].some(changed)) renderCounters($('counters'), state);
    if (changed('workers')) renderWorkers($('workers'), $('workers-mode'), state.workers, (id, action) => this.workerAction(id, action));
    if (changed('connections')) renderQuality($('quality'), $('bands'), $('worst'), state.connections);
    if (changed('errors')) renderErrors($('errors'), state.errors);
    if (changed('plugins')) renderPlugins($('plugins'), state.plugins);
    this.previous = { ...state };
    performance.measure('dashboard-render', 'render-start');
  }

  async workerAction(id, action) {
    const what = action === 'drain' ? `Drain worker ${id}? Its sessions move to the other workers.`
      : `Restart worker ${id}? Its sessions move while it restarts.`;
    if (!(await confirmAction(what))) return;
    try {
      await this.api.call('POST', `/admin/workers/${encodeURIComponent(id)}/${action}`);
    } catch (error) {
      $('session-error').textContent = error.message;
    }
  }

  close() {
    this.feed.close();
  }
}

async function logIn(token) {
  const response = await fetch('/admin/dashboard', { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    throw new Error(body?.error?.message ?? `login failed (${response.status})`);
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  $('login').hidden = true;
  $('app').hidden = false;
  $('logout').hidden = false;
  return new Dashboard(token);
}

let dashboard = null;
$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('login-error').textContent = '';
  try {
    dashboard = await logIn($('token').value.trim());
  } catch (error) {
    $('login-error').textContent = error.message;
  }
});
$('logout').addEventListener('click', () => {
  dashboard?.close();
  sessionStorage.removeItem(TOKEN_KEY);
  location.reload();
});
const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) logIn(saved).then((d) => { dashboard = d; }).catch(() => sessionStorage.removeItem(TOKEN_KEY));
else $('token').focus();
