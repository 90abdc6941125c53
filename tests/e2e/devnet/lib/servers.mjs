// Starts the PLC directory and PDS processes in-process, bound to loopback, with request logs.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { INTERNAL_HEADER } from './xrpc.mjs';

const LOOPBACK = '127.0.0.1';

// Asks the kernel for a free loopback port. The PDS must know its port before it is created
// (it goes into its DID documents), so we cannot simply listen on port 0.
export async function freePort() {
  const srv = http.createServer();
  await new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, LOOPBACK, resolve);
  });
  const { port } = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

async function listen(app, port) {
  const server = http.createServer(app);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOOPBACK, resolve);
  });
  return server;
}

async function closeServer(server) {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(() => resolve()));
}

// One JSON line per request, written when the response is done (or the connection dropped);
// `t` is the arrival time in ms so rate checks see when the PDS was asked, not when it answered.
function attachRequestLog(server, file) {
  const fd = fs.openSync(file, 'w');
  server.prependListener('request', (req, res) => {
    const t = Date.now();
    res.once('close', () => {
      const q = req.url.indexOf('?');
      const line = {
        t,
        method: req.method,
        path: q < 0 ? req.url : req.url.slice(0, q),
        query: q < 0 ? '' : req.url.slice(q + 1),
        status: res.statusCode,
        completed: res.writableFinished,
        ms: Date.now() - t,
        internal: req.headers[INTERNAL_HEADER] === '1',
      };
      fs.writeSync(fd, `${JSON.stringify(line)}\n`);
    });
  });
  return () => fs.closeSync(fd);
}

export async function startPlc(deps, port) {
  const { PlcServer, Database } = deps.plc;
  const chosen = port || (await freePort());
  const plc = PlcServer.create({ db: Database.mock(), port: chosen });
  const server = await listen(plc.app, chosen);
  return {
    // The PDS's fetch layer refuses IP-literal URLs, so name it localhost (bound to 127.0.0.1).
    url: `http://localhost:${chosen}`,
    port: chosen,
    async stop() {
      await closeServer(server);
      await plc.ctx.db.close();
    },
  };
}

export async function startPds(deps, { name, port, plcUrl, dataDir, handleDomain, rateLimits,
  bypassKey, requestLog }) {
  const { envToCfg, envToSecrets, PDS } = deps.pds;
  const chosen = port || (await freePort());
  fs.mkdirSync(dataDir, { recursive: true });
  const keypair = await deps.crypto.Secp256k1Keypair.create({ exportable: true });
  const env = {
    port: chosen,
    hostname: 'localhost', // a loopback IP is refused; localhost yields http://localhost:<port>
    devMode: true,
    dataDirectory: dataDir,
    blobstoreDiskLocation: path.join(dataDir, 'blobs'),
    didPlcUrl: plcUrl,
    serviceHandleDomains: [handleDomain],
    inviteRequired: false,
    rateLimitsEnabled: rateLimits,
    rateLimitBypassKey: bypassKey,
    crawlers: [],
    jwtSecret: crypto.randomBytes(16).toString('hex'),
    adminPassword: crypto.randomBytes(16).toString('hex'),
    plcRotationKeyK256PrivateKeyHex: Buffer.from(await keypair.export()).toString('hex'),
  };
  const pds = await PDS.create(envToCfg(env), envToSecrets(env));
  // Same steps as PDS.start(), but bound to loopback only (start() listens on every interface).
  await pds.ctx.sequencer.start();
  const server = await listen(pds.app, chosen);
  server.keepAliveTimeout = 90_000;
  const closeLog = attachRequestLog(server, requestLog);
  return {
    name,
    url: `http://localhost:${chosen}`,
    port: chosen,
    handleDomain,
    rateLimits,
    adminPassword: env.adminPassword,
    requestLog,
    async stop() {
      await closeServer(server);
      await pds.destroy();
      closeLog();
    },
  };
}
