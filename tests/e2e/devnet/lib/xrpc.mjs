// Minimal XRPC client for the devnet's own traffic (seeding, control), plus exact JSON parsing.

// Marks the devnet's own requests so request logs can tell them from the daemon's.
export const INTERNAL_HEADER = 'x-devnet-internal';

export class XrpcError extends Error {
  constructor(nsid, status, error, message) {
    super(`${nsid}: HTTP ${status} ${error ?? ''} ${message ?? ''}`.trim());
    this.status = status;
    this.error = error;
  }
}

// JSON.parse that keeps integers beyond 2^53 exact (as raw JSON) so re-serialising is lossless.
export function parseJsonExact(text) {
  return JSON.parse(text, (_key, value, ctx) => {
    if (typeof value === 'number' && !Number.isSafeInteger(value) && ctx?.source
        && /^-?\d+$/.test(ctx.source)) {
      return JSON.rawJSON(ctx.source);
    }
    return value;
  });
}

export class XrpcClient {
  // bypassKey lets devnet traffic skip the PDS rate limiter, so seeding never eats the budget
  // that a throttle test measures.
  constructor(baseUrl, { bypassKey } = {}) {
    this.baseUrl = baseUrl;
    this.bypassKey = bypassKey;
  }

  async call(httpMethod, nsid, { params, body, token } = {}) {
    const url = new URL(`/xrpc/${nsid}`, this.baseUrl);
    for (const [k, v] of Object.entries(params ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    const headers = { [INTERNAL_HEADER]: '1' };
    if (this.bypassKey) headers['x-ratelimit-bypass'] = this.bypassKey;
    if (token) headers.authorization = `Bearer ${token}`;
    let payload;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(url, { method: httpMethod, headers, body: payload });
    const text = await res.text();
    let data = null;
    if (text) {
      try {
        data = parseJsonExact(text);
      } catch {
        data = { message: text.slice(0, 200) };
      }
    }
    if (!res.ok) throw new XrpcError(nsid, res.status, data?.error, data?.message);
    return data;
  }

  get(nsid, params, token) {
    return this.call('GET', nsid, { params, token });
  }

  // A procedure without input (e.g. activateAccount) must get no body at all: pass undefined.
  post(nsid, body, token) {
    return this.call('POST', nsid, { body, token });
  }
}
