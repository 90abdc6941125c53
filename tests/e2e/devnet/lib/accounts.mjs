// Accounts on the devnet: creation, sessions, seeding and the mutations tests ask for.
import { recordValue } from './spec.mjs';
import { XrpcClient, XrpcError } from './xrpc.mjs';

export const BATCH = 200; // applyWrites accepts at most 200 writes per call

export class Account {
  constructor({ handle, password, email, pds }, bypassKey) {
    this.handle = handle;
    this.password = password;
    this.email = email;
    this.pds = pds; // the started PDS object from servers.mjs
    this.client = new XrpcClient(pds.url, { bypassKey });
    this.did = null;
    this.token = null;
    this.counts = {}; // collection -> records created by the devnet so far (next index)
  }

  async create() {
    const out = await this.client.post('com.atproto.server.createAccount', {
      handle: this.handle,
      email: this.email,
      password: this.password,
    });
    this.did = out.did;
    this.token = out.accessJwt;
  }

  async login() {
    const out = await this.client.post('com.atproto.server.createSession', {
      identifier: this.handle,
      password: this.password,
    });
    this.token = out.accessJwt;
  }

  // Access tokens expire; a long-running test may outlive one, so retry once after re-login.
  async authed(fn) {
    try {
      return await fn(this.token);
    } catch (err) {
      if (!(err instanceof XrpcError) || err.status !== 400 && err.status !== 401) throw err;
      if (err.error !== 'ExpiredToken' && err.error !== 'InvalidToken') throw err;
      await this.login();
      return fn(this.token);
    }
  }

  post(nsid, body) {
    return this.authed((token) => this.client.post(nsid, body, token));
  }

  // Creates `values` (or `count` generated records) in batches; returns [{uri, cid}].
  async createRecords(collection, { count, values }) {
    const start = this.counts[collection] ?? 0;
    const all = values ?? Array.from({ length: count }, (_, i) =>
      recordValue(collection, this.handle, start + i));
    const results = [];
    for (let off = 0; off < all.length; off += BATCH) {
      const writes = all.slice(off, off + BATCH).map((value) => ({
        $type: 'com.atproto.repo.applyWrites#create',
        collection,
        value,
      }));
      const out = await this.post('com.atproto.repo.applyWrites', {
        repo: this.did,
        validate: false,
        writes,
      });
      for (const r of out.results) results.push({ uri: r.uri, cid: r.cid });
    }
    this.counts[collection] = start + all.length;
    return results;
  }

  async putRecord(collection, rkey, value) {
    return this.post('com.atproto.repo.putRecord', {
      repo: this.did, collection, rkey, validate: false, record: value,
    });
  }

  async deleteRecord(collection, rkey) {
    return this.post('com.atproto.repo.deleteRecord', { repo: this.did, collection, rkey });
  }

  async deactivate() {
    return this.post('com.atproto.server.deactivateAccount', {});
  }

  async activate() {
    return this.post('com.atproto.server.activateAccount', undefined);
  }

  // Every record of a collection as the PDS serves it, newest rkey first, via listRecords paging.
  async listAll(collection) {
    const records = [];
    let cursor;
    for (;;) {
      const page = await this.client.get('com.atproto.repo.listRecords', {
        repo: this.did, collection, limit: 100, cursor,
      });
      records.push(...page.records);
      if (!page.cursor || page.records.length === 0) break;
      cursor = page.cursor;
    }
    return records;
  }

  stateEntry() {
    return {
      handle: this.handle,
      did: this.did,
      pds: this.pds.name,
      pds_url: this.pds.url,
      password: this.password,
      collections: { ...this.counts },
    };
  }
}
