// Devnet spec: loading, validation and the deterministic record generator used for seeding.
import fs from 'node:fs';

const NSID_RE = /^[a-zA-Z]([a-zA-Z0-9-]{0,62})?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,62})?)+$/;
const HANDLE_LABEL_RE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

function fail(msg) {
  throw new Error(`spec: ${msg}`);
}

// Normalises a spec file into {pds: [...], accounts: [...]}; see README.md for the format.
export function loadSpec(file, { pdsCount, rateLimited = [] } = {}) {
  let raw;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    fail(`cannot read ${file}: ${err.message}`);
  }
  const pdsIn = Array.isArray(raw.pds) ? [...raw.pds] : [];
  const wanted = pdsCount ?? Math.max(pdsIn.length, 1);
  if (!Number.isInteger(wanted) || wanted < 1) fail(`bad pds count ${pdsCount}`);
  if (pdsIn.length > wanted) fail(`spec lists ${pdsIn.length} PDSs but --pds-count is ${wanted}`);
  while (pdsIn.length < wanted) pdsIn.push({});

  const pds = pdsIn.map((p, i) => {
    const name = p.name ?? `pds${i + 1}`;
    const domain = p.handle_domain ?? `.${name}.test`;
    if (!domain.startsWith('.')) fail(`handle_domain of ${name} must start with '.'`);
    return {
      name,
      handle_domain: domain,
      rate_limits: Boolean(p.rate_limits) || rateLimited.includes(name),
      port: p.port ?? 0,
    };
  });
  const byName = new Map(pds.map((p) => [p.name, p]));
  if (byName.size !== pds.length) fail('duplicate PDS names');
  for (const n of rateLimited) if (!byName.has(n)) fail(`--rate-limits names unknown PDS ${n}`);

  if (!Array.isArray(raw.accounts) || raw.accounts.length === 0) fail('no accounts');
  const handles = new Set();
  const accounts = raw.accounts.map((a, i) => {
    const host = byName.get(a.pds ?? pds[0].name);
    if (!host) fail(`account ${i} names unknown PDS ${a.pds}`);
    if (typeof a.handle !== 'string' || !a.handle) fail(`account ${i} has no handle`);
    const handle = a.handle.includes('.') ? a.handle : `${a.handle}${host.handle_domain}`;
    if (!handle.endsWith(host.handle_domain)) {
      fail(`handle ${handle} must end with ${host.handle_domain} (its PDS's domain)`);
    }
    const label = handle.slice(0, -host.handle_domain.length);
    if (!HANDLE_LABEL_RE.test(label) || label.length < 3) fail(`bad handle label in ${handle}`);
    if (handles.has(handle)) fail(`duplicate handle ${handle}`);
    handles.add(handle);
    const collections = a.collections ?? {};
    for (const [nsid, count] of Object.entries(collections)) {
      if (!NSID_RE.test(nsid)) fail(`bad collection NSID ${nsid}`);
      if (!Number.isInteger(count) || count < 0) fail(`bad count for ${handle} ${nsid}`);
    }
    return {
      handle,
      password: a.password ?? `pw-${label}-devnet`,
      email: `${label}@example.com`,
      pds: host.name,
      collections,
    };
  });
  return { pds, accounts };
}

const BASE_TIME_MS = Date.UTC(2024, 0, 1, 0, 0, 0);

// Deterministic record content: the same (collection, handle, index) always yields the same
// value (and so the same CID). The values exercise what a backfiller must carry through
// untouched: integers up to 2^53 - 1, negative numbers, nested objects/arrays, null, unicode.
export function recordValue(collection, handle, index) {
  const value = {
    $type: collection,
    text: `${collection} #${index} by ${handle}`,
    createdAt: new Date(BASE_TIME_MS + index * 61_000).toISOString(),
    index,
    negative: -(index * 1_000_003),
    // The reference PDS refuses integers outside +-(2^53 - 1) ("not supported by the AT Data
    // Model"), so these are the largest magnitudes a real record can carry.
    maxSafe: 9007199254740991 - index,
    minSafe: -9007199254740991 + index,
    beyond32: 4294967296 + index,
    nested: {
      even: index % 2 === 0,
      tags: ['devnet', `bucket-${index % 7}`],
      deeper: { level: 3, note: index % 5 === 0 ? null : `n${index}`, list: [[1, 2], [3]] },
    },
    unicode: 'h\u00e9llo \u2713 \u{1F30D} \u65e5\u672c',
  };
  if (index % 11 === 0) value.optional = { quote: 'she said "hi"\n\ttab', empty: {}, none: [] };
  return value;
}

