// Session search (by id, user, state; worker filters the page returned) and paging with
// the API's cursors; a session opens in its detail dialog (SessionDetail).
const PAGE_SIZE = 20;

export class SessionBrowser {
  constructor(api, elements, detail) {
    Object.assign(this, { api, elements, detail });
    this.cursors = [''];
    this.page = 0;
    this.query = {};
    elements.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const data = new FormData(elements.form);
      this.query = Object.fromEntries([...data.entries()].map(([k, v]) => [k, String(v).trim()]));
      this.cursors = [''];
      this.page = 0;
      this.load();
    });
    elements.prev.addEventListener('click', () => { this.page -= 1; this.load(); });
    elements.next.addEventListener('click', () => { this.page += 1; this.load(); });
  }

  async load() {
    this.elements.error.textContent = '';
    try {
      const { id, user, state, worker } = this.query;
      let sessions;
      let next = '';
      if (id) {
        sessions = [await this.api.call('GET', `/sessions/${encodeURIComponent(id)}`)];
      } else {
        const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
        if (user) params.set('user_id', user);
        if (state) params.set('state', state);
        if (this.cursors[this.page]) params.set('cursor', this.cursors[this.page]);
        const page = await this.api.call('GET', `/sessions?${params}`);
        sessions = page.sessions;
        next = page.next_cursor ?? '';
      }
      if (worker) sessions = sessions.filter((s) => (s.worker ?? '') === worker);
      this.cursors[this.page + 1] = next;
      this.render(sessions, Boolean(next));
    } catch (error) {
      this.elements.error.textContent = error.message;
      this.render([], false);
    }
  }

  render(sessions, hasNext) {
    const rows = sessions.map((session) => {
      const tr = document.createElement('tr');
      const idCell = document.createElement('td');
      const open = document.createElement('button');
      open.type = 'button';
      open.className = 'link';
      open.textContent = session.session_id;
      open.setAttribute('aria-label', `Open session ${session.session_id}`);
      open.addEventListener('click', () => this.show(session.session_id));
      idCell.append(open);
      tr.append(idCell);
      for (const value of [session.user_id, session.state, session.worker || '—', session.last_updated]) {
        const td = document.createElement('td');
        td.textContent = value ?? '—';
        tr.append(td);
      }
      return tr;
    });
    this.elements.table.tBodies[0].replaceChildren(...rows);
    this.elements.prev.disabled = this.page === 0;
    this.elements.next.disabled = !hasNext;
  }

  async show(id) {
    try {
      await this.detail.show(id);
    } catch (error) {
      this.elements.error.textContent = error.message;
    }
  }
}
