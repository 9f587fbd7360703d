// The server's Navixy HTTP API, called relative to the page (same origin: no CORS, works behind a path prefix).

export class ApiError extends Error {
  constructor(code, description) {
    super(description);
    this.code = code;
  }

  /** The session is gone (3: not a live hash, 4: ended): the page goes back to the login form. */
  get sessionEnded() {
    return this.code === 3 || this.code === 4;
  }
}

export class Api {
  constructor(basePath) {
    this.base = basePath ? `${basePath}/` : '';
  }

  /** POSTs a JSON body to a method; resolves to the answer, or rejects with an ApiError. */
  async call(method, body) {
    let response;
    try {
      response = await fetch(this.base + method, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, 'The server cannot be reached.');
    }
    let answer;
    try {
      answer = await response.json();
    } catch {
      throw new ApiError(0, `The server answered HTTP ${response.status}.`);
    }
    if (!answer.success) {
      throw new ApiError(answer.status?.code ?? 0, answer.status?.description ?? 'Unexpected answer');
    }
    return answer;
  }

  async login(login, password) {
    return (await this.call('user/auth', { login, password })).hash;
  }

  logout(hash) {
    return this.call('user/logout', { hash });
  }

  async trackers(hash) {
    return (await this.call('tracker/list', { hash })).list;
  }
}
