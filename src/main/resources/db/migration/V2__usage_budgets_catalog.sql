-- Usage issue: the usage ledger (one row per request), budgets and catalog entries set through
-- the admin API. Portable SQL as in V1: the same file runs on SQLite and PostgreSQL.

-- No foreign keys on purpose: a usage row is history and must be writable even while the key,
-- team or project it names is being changed, and it outlives them.
CREATE TABLE usage_records (
  request_id         VARCHAR(64)  PRIMARY KEY,
  ts                 BIGINT       NOT NULL,
  key_id             VARCHAR(40),
  team_id            VARCHAR(40),
  project_id         VARCHAR(40),
  endpoint           VARCHAR(40)  NOT NULL,
  model              VARCHAR(200),
  routed_model       VARCHAR(200),
  provider           VARCHAR(100),
  deployment         VARCHAR(200),
  variant            VARCHAR(200),
  end_user           VARCHAR(200),
  tags               TEXT         NOT NULL,
  status             INTEGER      NOT NULL,
  error_code         VARCHAR(100),
  stream             INTEGER      NOT NULL,
  cache_hit          INTEGER      NOT NULL,
  tokens_in          BIGINT       NOT NULL,
  tokens_out         BIGINT       NOT NULL,
  tokens_cached      BIGINT       NOT NULL,
  tokens_reasoning   BIGINT       NOT NULL,
  tokens_cache_write BIGINT       NOT NULL,
  estimated          INTEGER      NOT NULL,
  cost_usd           DOUBLE PRECISION NOT NULL,
  latency_ms         DOUBLE PRECISION NOT NULL,
  ttft_ms            DOUBLE PRECISION NOT NULL,
  attempts           INTEGER      NOT NULL
);
CREATE INDEX usage_records_ts ON usage_records (ts);
CREATE INDEX usage_records_key_ts ON usage_records (key_id, ts);
CREATE INDEX usage_records_team_ts ON usage_records (team_id, ts);
CREATE INDEX usage_records_project_ts ON usage_records (project_id, ts);

CREATE TABLE budgets (
  id          VARCHAR(40)  PRIMARY KEY,
  scope       VARCHAR(20)  NOT NULL,
  target_id   VARCHAR(200) NOT NULL,
  period      VARCHAR(20)  NOT NULL,
  limit_usd   DOUBLE PRECISION NOT NULL,
  hard        INTEGER      NOT NULL,
  thresholds  TEXT         NOT NULL,
  created_at  BIGINT       NOT NULL
);

-- A catalog entry as JSON (the same fields as the built-in catalog's entries).
CREATE TABLE catalog_entries (
  id          VARCHAR(200) PRIMARY KEY,
  entry       TEXT         NOT NULL,
  updated_at  BIGINT       NOT NULL
);
