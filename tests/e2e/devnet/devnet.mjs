// Local AT Protocol reference network: one PLC directory + N reference PDSs, seeded from a spec.
//
//   node22 devnet.mjs start --spec spec.json --state state.json [--pds-count N]
//        [--rate-limits pds2[,pds3]] [--log-dir DIR] [--max-seconds N] [--keep-running]
//        [--verbose]
//
// Run it through devnet.sh, which installs the packages and picks the Node 22 binary.
// Prints "DEVNET READY" once state.json is written, then runs until SIGTERM/SIGINT (or POST /stop
// on the control server, or its parent process exiting unless --keep-running, or --max-seconds
// passing) and removes everything it created except state.json and request logs.
import crypto from 'node:crypto';
import fs from 'node:fs';
import module, { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Account } from './lib/accounts.mjs';
import { makeHandlers, startControl } from './lib/control.mjs';
import { startPds, startPlc } from './lib/servers.mjs';
import { loadSpec } from './lib/spec.mjs';

const log = (msg) => process.stderr.write(`devnet: ${msg}\n`);

function usage(code) {
  process.stderr.write('usage: devnet.mjs start --spec FILE --state FILE [--pds-count N] '
    + '[--rate-limits NAME,...] [--log-dir DIR] [--max-seconds N] [--keep-running] '
    + '[--verbose]\n');
  process.exit(code);
}

// The packages live in the install cache, not beside this script: resolve them from there.
// By default that is the install the running Node 22 binary came from.
async function loadDeps() {
  const dir = process.env.DEVNET_DIR
    ?? path.resolve(path.dirname(process.execPath), '..', '..', '..');
  // Importing the PDS compiles a lot of JS; Node's on-disk compile cache makes restarts faster.
  module.enableCompileCache?.(path.join(dir, '.compile-cache'));
  const req = createRequire(path.join(dir, 'package.json'));
  const esm = async (name) => import(pathToFileURL(req.resolve(name)).href);
  try {
    return {
      pds: await esm('@atproto/pds'),
      crypto: await esm('@atproto/crypto'),
      plc: req('@did-plc/server'),
    };
  } catch (err) {
    throw new Error(`cannot load devnet packages from ${dir} (run install.sh / devnet.sh): `
      + err.message);
  }
}

function writeJsonAtomic(file, obj) {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, `${JSON.stringify(obj, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

async function start(opts) {
  if (!opts.spec || !opts.state) usage(2);
  const pdsCount = opts['pds-count'] === undefined ? undefined : Number(opts['pds-count']);
  const rateLimited = (opts['rate-limits'] ?? '').split(',').filter(Boolean);
  const spec = loadSpec(opts.spec, { pdsCount, rateLimited });
  const statePath = path.resolve(opts.state);
  const logDir = path.resolve(opts['log-dir'] ?? path.dirname(statePath));
  const stem = path.basename(statePath).replace(/\.json$/, '');
  fs.rmSync(statePath, { force: true }); // never let a waiter read a stale state file
  fs.mkdirSync(logDir, { recursive: true });
  if (opts.verbose) process.env.LOG_ENABLED = 'true';

  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atbackfill-devnet-'));
  const stoppers = []; // run in reverse on shutdown
  let stopping = null;
  const shutdown = (code) => {
    stopping ??= (async () => {
      log('stopping');
      for (const stop of stoppers.reverse()) {
        try {
          await stop();
        } catch (err) {
          log(`error while stopping: ${err.message}`);
        }
      }
      fs.rmSync(workDir, { recursive: true, force: true });
      log('stopped');
      process.exit(code);
    })();
    return stopping;
  };
  process.on('SIGTERM', () => shutdown(0));
  process.on('SIGINT', () => shutdown(0));
  // A test that crashes never sends SIGTERM; do not outlive it and hold ports and temp files.
  if (!opts['keep-running']) {
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) {
        log(`parent ${parent} is gone`);
        shutdown(0);
      }
    }, 1000).unref();
  }
  if (opts['max-seconds'] !== undefined) {
    const limit = Number(opts['max-seconds']);
    if (!(limit > 0)) usage(2);
    setTimeout(() => {
      log(`--max-seconds ${limit} reached`);
      shutdown(0);
    }, limit * 1000).unref();
  }

  try {
    const t0 = Date.now();
    const deps = await loadDeps();
    log(`loaded packages in ${(Date.now() - t0) / 1000} s`);
    const bypassKey = crypto.randomBytes(16).toString('hex');
    const plc = await startPlc(deps, 0);
    stoppers.push(() => plc.stop());
    log(`PLC directory on ${plc.url}`);

    const pdsByName = new Map();
    for (const p of spec.pds) {
      const pds = await startPds(deps, {
        name: p.name,
        port: p.port,
        plcUrl: plc.url,
        dataDir: path.join(workDir, p.name),
        handleDomain: p.handle_domain,
        rateLimits: p.rate_limits,
        bypassKey,
        requestLog: path.join(logDir, `${stem}.${p.name}.requests.jsonl`),
      });
      stoppers.push(() => pds.stop());
      pdsByName.set(p.name, pds);
      log(`PDS ${p.name} on ${pds.url} (rate limits ${p.rate_limits ? 'on' : 'off'})`);
    }

    const tServers = Date.now();
    log(`servers up in ${(tServers - t0) / 1000} s`);
    const accounts = spec.accounts.map((a) => new Account({ ...a, pds: pdsByName.get(a.pds) },
      bypassKey));
    for (const acc of accounts) await acc.create(); // PLC ops for one PDS key must not race
    const t1 = Date.now();
    let total = 0;
    // Accounts seed concurrently; each account's batches stay in order.
    await Promise.all(accounts.map(async (acc, i) => {
      for (const [nsid, count] of Object.entries(spec.accounts[i].collections)) {
        if (count > 0) await acc.createRecords(nsid, { count });
        else acc.counts[nsid] = 0;
        total += count;
      }
    }));
    log(`created ${accounts.length} accounts in ${(t1 - tServers) / 1000} s, `
      + `seeded ${total} records in ${(Date.now() - t1) / 1000} s`);

    const byKey = new Map();
    for (const acc of accounts) {
      byKey.set(acc.handle, acc);
      byKey.set(acc.did, acc);
    }
    const control = await startControl(makeHandlers(byKey, () => shutdown(0)));
    stoppers.push(() => control.stop());

    writeJsonAtomic(statePath, {
      plc_url: plc.url,
      control_url: control.url,
      control_port: control.port,
      ratelimit_bypass_key: bypassKey,
      work_dir: workDir, // removed on shutdown
      pid: process.pid,
      pds: [...pdsByName.values()].map((p) => ({
        name: p.name,
        url: p.url,
        port: p.port,
        handle_domain: p.handleDomain,
        rate_limits: p.rateLimits,
        admin_password: p.adminPassword,
        request_log: p.requestLog,
      })),
      accounts: accounts.map((a) => a.stateEntry()),
    });
    log(`state in ${statePath}, control server on ${control.url}`);
    process.stdout.write('DEVNET READY\n');
  } catch (err) {
    log(`FAILED: ${err.stack ?? err}`);
    await shutdown(1);
  }
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        spec: { type: 'string' },
        state: { type: 'string' },
        'pds-count': { type: 'string' },
        'rate-limits': { type: 'string' },
        'log-dir': { type: 'string' },
        verbose: { type: 'boolean' },
        'keep-running': { type: 'boolean' },
        'max-seconds': { type: 'string' },
        help: { type: 'boolean' },
      },
    });
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    return usage(2);
  }
})();
if (values.help) usage(0);
if (positionals[0] !== 'start' || positionals.length !== 1) usage(2);
await start(values).catch((err) => {
  log(`FAILED: ${err.message}`);
  process.exit(1);
});
