/**
 * Numbered schema migrations. Each runs once, in order, inside a transaction; the database's
 * `user_version` records the last one applied. Never edit a released migration: add one.
 */

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'images, names, repo digests, blob sources, events',
    sql: `
      CREATE TABLE images (
        digest         TEXT PRIMARY KEY,      -- manifest digest (one platform)
        media_type     TEXT NOT NULL,
        manifest_size  INTEGER NOT NULL,
        config_digest  TEXT NOT NULL,         -- the image ID users see
        index_digest   TEXT,                  -- index it was selected from, when pulled through one
        platform       TEXT NOT NULL,         -- os/arch[/variant]
        created        TEXT,                  -- from the image config
        size           INTEGER NOT NULL,      -- content size: config + layers (compressed)
        blobs          TEXT NOT NULL,         -- JSON array: every digest this image keeps alive
        added_at       INTEGER NOT NULL
      );
      CREATE INDEX images_config ON images(config_digest);
      CREATE TABLE image_names (
        name           TEXT PRIMARY KEY,      -- docker.io/library/busybox:latest
        image_digest   TEXT NOT NULL REFERENCES images(digest),
        updated_at     INTEGER NOT NULL
      );
      CREATE INDEX image_names_image ON image_names(image_digest);
      CREATE TABLE repo_digests (
        repo_digest    TEXT PRIMARY KEY,      -- docker.io/library/busybox@sha256:…
        image_digest   TEXT NOT NULL REFERENCES images(digest) ON DELETE CASCADE
      );
      CREATE INDEX repo_digests_image ON repo_digests(image_digest);
      CREATE TABLE blob_sources (              -- where a blob is known to exist, for cross-repo mounts
        digest         TEXT NOT NULL,
        registry       TEXT NOT NULL,
        repository     TEXT NOT NULL,
        PRIMARY KEY (digest, registry, repository)
      );
      CREATE TABLE events (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        time_nano      INTEGER NOT NULL,
        topic          TEXT NOT NULL,         -- /images/pull, /containers/start …
        actor          TEXT NOT NULL,
        attributes     TEXT NOT NULL          -- JSON object
      );
    `,
  },
  {
    version: 2,
    description: 'containers: the immutable config and the changing state, apart',
    sql: `
      CREATE TABLE containers (
        id             TEXT PRIMARY KEY,      -- 64 hex
        name           TEXT NOT NULL UNIQUE,
        image          TEXT NOT NULL,         -- as the user named it
        image_digest   TEXT NOT NULL,         -- manifest digest at create
        image_id       TEXT NOT NULL,         -- config digest at create
        engine         TEXT NOT NULL,
        config         TEXT NOT NULL,         -- JSON ContainerConfig, written once
        command        TEXT NOT NULL,         -- JSON array: the resolved entrypoint + cmd
        created_at     INTEGER NOT NULL
      );
      CREATE INDEX containers_image ON containers(image_digest);
      CREATE TABLE container_state (
        id             TEXT PRIMARY KEY REFERENCES containers(id) ON DELETE CASCADE,
        status         TEXT NOT NULL,
        pid            INTEGER NOT NULL DEFAULT 0,
        monitor_pid    INTEGER NOT NULL DEFAULT 0,
        exit_code      INTEGER,
        oom_killed     INTEGER NOT NULL DEFAULT 0,
        error          TEXT NOT NULL DEFAULT '',
        started_at     INTEGER,
        finished_at    INTEGER,
        restart_count  INTEGER NOT NULL DEFAULT 0,
        last_backoff_ms INTEGER NOT NULL DEFAULT 0,
        stopped_by_user INTEGER NOT NULL DEFAULT 0,
        rootfs_mounted INTEGER NOT NULL DEFAULT 0,
        updated_at     INTEGER NOT NULL
      );
    `,
  },
  {
    version: 3,
    description: 'networks and container endpoints (issue 7)',
    sql: `
      CREATE TABLE networks (
        id             TEXT PRIMARY KEY,      -- 64 hex
        name           TEXT NOT NULL UNIQUE,
        bridge         TEXT NOT NULL UNIQUE,  -- Linux bridge device
        subnet         TEXT NOT NULL,         -- IPv4 CIDR
        gateway        TEXT NOT NULL,
        internal       INTEGER NOT NULL DEFAULT 0,
        labels         TEXT NOT NULL,         -- JSON object
        created_at     INTEGER NOT NULL
      );
      -- A container's membership of a network (from create, or connect) and, while its task
      -- runs, the CNI attachment (conflist + result) that DEL needs. No cascade from containers:
      -- a row whose container is gone is cleaned by recovery (CNI DEL), never silently dropped.
      CREATE TABLE network_endpoints (
        container_id   TEXT NOT NULL,
        network_id     TEXT NOT NULL REFERENCES networks(id),
        position       INTEGER NOT NULL,      -- 0 = the primary network (eth0, published ports)
        aliases        TEXT NOT NULL,         -- JSON array
        attachment     TEXT,                  -- JSON Attachment, NULL when not attached
        PRIMARY KEY (container_id, network_id)
      );
      CREATE INDEX network_endpoints_network ON network_endpoints(network_id);
    `,
  },
];
