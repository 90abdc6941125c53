// Loopback HTTP control server: lets a test mutate the running devnet without logging in itself.
import http from 'node:http';
import { parseJsonExact } from './xrpc.mjs';

const MAX_BODY = 16 * 1024 * 1024;

class BadRequest extends Error {}

function need(body, ...fields) {
  for (const f of fields) {
    if (body[f] === undefined || body[f] === null || body[f] === '') {
      throw new BadRequest(`missing field '${f}'`);
    }
  }
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new BadRequest('body too large'));
        req.destroy();
      } else {
        chunks.push(c);
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

// accountsByKey: Map from handle and from DID to Account. `onStop` is called for POST /stop.
export function makeHandlers(accountsByKey, onStop) {
  const account = (body) => {
    need(body, 'handle');
    const acc = accountsByKey.get(body.handle);
    if (!acc) throw new BadRequest(`unknown account ${body.handle}`);
    return acc;
  };
  return {
    '/create': async (b) => {
      need(b, 'collection');
      if (b.records !== undefined && !Array.isArray(b.records)) {
        throw new BadRequest("'records' must be an array of record values");
      }
      if (b.records === undefined && !(Number.isInteger(b.count) && b.count > 0)) {
        throw new BadRequest("give 'count' (> 0) or 'records'");
      }
      const created = await account(b).createRecords(b.collection, {
        count: b.count, values: b.records,
      });
      return { created };
    },
    '/update': async (b) => {
      need(b, 'collection', 'rkey', 'value');
      return account(b).putRecord(b.collection, b.rkey, b.value);
    },
    '/delete': async (b) => {
      need(b, 'collection', 'rkey');
      await account(b).deleteRecord(b.collection, b.rkey);
      return { deleted: true };
    },
    '/deactivate': async (b) => {
      await account(b).deactivate();
      return { active: false };
    },
    '/activate': async (b) => {
      await account(b).activate();
      return { active: true };
    },
    '/list': async (b) => {
      need(b, 'collection');
      return { records: await account(b).listAll(b.collection) };
    },
    '/stop': async () => {
      setImmediate(onStop);
      return { stopping: true };
    },
  };
}

export async function startControl(handlers) {
  const server = http.createServer(async (req, res) => {
    const reply = (status, obj) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify(obj)}\n`);
    };
    const handler = handlers[req.url];
    if (req.method !== 'POST' || !handler) {
      reply(404, { error: 'NotFound', message: `POST one of ${Object.keys(handlers).join(' ')}` });
      return;
    }
    try {
      const text = await readBody(req);
      let body;
      try {
        body = text.trim() ? parseJsonExact(text) : {};
      } catch (err) {
        throw new BadRequest(`invalid JSON: ${err.message}`);
      }
      reply(200, await handler(body));
    } catch (err) {
      if (err instanceof BadRequest) {
        reply(400, { error: 'BadRequest', message: err.message });
      } else {
        // XRPC failures (e.g. listRecords on a deactivated repo) are reported, not fatal.
        reply(502, { error: err.error ?? 'UpstreamError', status: err.status, message: err.message });
      }
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: server.address().port,
    url: `http://127.0.0.1:${server.address().port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
