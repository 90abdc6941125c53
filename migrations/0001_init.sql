-- Initial schema: stored records, resolved accounts and per-collection sync progress.
-- schema_migrations is created by the migrator itself, so that it exists before any migration runs.

-- One row per record ever seen. The key is what the repository itself keys on, so a re-listed
-- page overwrites instead of duplicating. uri and cid are kept verbatim so that a row can be
-- compared with what the PDS serves without recomputing anything.
CREATE TABLE records (
    did         text        NOT NULL,
    collection  text        NOT NULL,
    rkey        text        NOT NULL,
    uri         text        NOT NULL,
    cid         text        NOT NULL,
    -- jsonb keeps numbers as numeric, so 64-bit integers survive exactly.
    value       jsonb       NOT NULL,
    -- value.createdAt when it parses; user-supplied and therefore only a hint, never a key.
    created_at  timestamptz NULL,
    -- When this daemon first stored the record (not when the author wrote it).
    indexed_at  timestamptz NOT NULL DEFAULT now(),
    -- Last time the content (cid) changed or the record reappeared; re-listing unchanged
    -- records leaves it alone, so it is a reliable "what changed since" watermark.
    updated_at  timestamptz NOT NULL DEFAULT now(),
    -- Set by a rescan that no longer finds the record; rows are kept for history.
    deleted_at  timestamptz NULL,
    PRIMARY KEY (did, collection, rkey)
);

-- Queries that cut across accounts ("all posts of this type, newest first") cannot use the
-- primary key, whose leading column is did.
CREATE INDEX records_collection_created_at_idx ON records (collection, created_at DESC);
-- Consumers that follow changes poll by updated_at.
CREATE INDEX records_updated_at_idx ON records (updated_at);

-- What the identity resolver learnt about each account; doubles as its cache.
CREATE TABLE accounts (
    did             text        PRIMARY KEY,
    handle          text        NULL,
    -- Only true when handle -> DID and DID -> handle agree; an unverified handle is a claim.
    handle_verified boolean     NOT NULL DEFAULT false,
    -- NULL until the DID document has been read; rows can exist earlier to carry last_error.
    pds_url         text        NULL,
    -- 'unresolved' until an identity was saved, then 'resolved'; other modules may add values.
    status          text        NOT NULL DEFAULT 'unresolved',
    -- Age of the cached identity: the cache is valid while resolved_at is recent enough.
    resolved_at     timestamptz NULL,
    last_error      text        NULL,
    -- Something an operator should know that did not stop the sync (e.g. handle mismatch).
    warning         text        NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Handles are case-insensitive and configured by handle, so lookups go through lower().
CREATE INDEX accounts_lower_handle_idx ON accounts (lower(handle));

-- Progress of one (account, collection) pair. The cursor is advanced in the same transaction
-- as the records of the page it follows, which is what makes a restart lose nothing and
-- duplicate nothing.
CREATE TABLE sync_state (
    did              text        NOT NULL,
    collection       text        NOT NULL,
    -- The listRecords cursor after the last committed page; NULL before the first page.
    cursor           text        NULL,
    state            text        NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'backfilling', 'synced', 'error')),
    -- Counters are cumulative across passes and restarts: monitoring looks at their rates.
    records_seen     bigint      NOT NULL DEFAULT 0,
    records_rejected bigint      NOT NULL DEFAULT 0,
    pages_fetched    bigint      NOT NULL DEFAULT 0,
    last_error       text        NULL,
    -- Start of the current (or last) pass, to tell a slow backfill from a stuck one.
    pass_started_at  timestamptz NULL,
    last_synced_at   timestamptz NULL,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (did, collection)
);
