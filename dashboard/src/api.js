// REST calls with the admin token (the session API and the dashboard's admin routes).
export class Api {
  constructor(token) {
    this.token = token;
  }

  async call(method, path, body) {
    const response = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    const json = text ? JSON.parse(text) : null;
    if (!response.ok) throw new Error(json?.error?.message ?? `${method} ${path} answered ${response.status}`);
    return json;
  }
}
