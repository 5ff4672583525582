-- Keys, teams, projects, provider credentials and the audit log.
-- Portable SQL: the same file runs on SQLite (embedded default) and PostgreSQL. Times are epoch
-- milliseconds (BIGINT), lists and maps are JSON text, so neither database's special types are needed.

CREATE TABLE teams (
  id          VARCHAR(40)  PRIMARY KEY,
  name        VARCHAR(200) NOT NULL UNIQUE,
  metadata    TEXT         NOT NULL,
  created_at  BIGINT       NOT NULL
);

CREATE TABLE projects (
  id          VARCHAR(40)  PRIMARY KEY,
  team_id     VARCHAR(40)  NOT NULL REFERENCES teams (id),
  name        VARCHAR(200) NOT NULL,
  metadata    TEXT         NOT NULL,
  created_at  BIGINT       NOT NULL,
  UNIQUE (team_id, name)
);

CREATE TABLE virtual_keys (
  id             VARCHAR(40)  PRIMARY KEY,
  name           VARCHAR(200) NOT NULL,
  display_prefix VARCHAR(40)  NOT NULL,
  role           VARCHAR(20)  NOT NULL,
  team_id        VARCHAR(40)  REFERENCES teams (id),
  project_id     VARCHAR(40)  REFERENCES projects (id),
  owner          VARCHAR(200),
  models         TEXT         NOT NULL,
  endpoints      TEXT         NOT NULL,
  status         VARCHAR(20)  NOT NULL,
  expires_at     BIGINT,
  created_at     BIGINT       NOT NULL,
  updated_at     BIGINT       NOT NULL,
  last_used_at   BIGINT,
  metadata       TEXT         NOT NULL,
  -- filled by the limits and budgets issues; null = no limit
  rpm_limit      INTEGER,
  tpm_limit      BIGINT,
  max_budget     NUMERIC(18, 6),
  budget_period  VARCHAR(20)
);
CREATE INDEX virtual_keys_team ON virtual_keys (team_id);

-- Only hashes of secrets. A key has one current secret (not_after null) and, after a rotation,
-- old secrets that keep working until not_after.
CREATE TABLE key_secrets (
  secret_hash  CHAR(64)    PRIMARY KEY,
  key_id       VARCHAR(40) NOT NULL REFERENCES virtual_keys (id),
  created_at   BIGINT      NOT NULL,
  not_after    BIGINT
);
CREATE INDEX key_secrets_key ON key_secrets (key_id);

-- Provider API keys set through the admin API, AES-GCM encrypted; key_id names the encryption
-- key so it can be rotated.
CREATE TABLE provider_credentials (
  name        VARCHAR(200) PRIMARY KEY,
  provider    VARCHAR(100),
  enc_key_id  VARCHAR(40)  NOT NULL,
  nonce       VARCHAR(40)  NOT NULL,
  ciphertext  TEXT         NOT NULL,
  created_at  BIGINT       NOT NULL,
  updated_at  BIGINT       NOT NULL
);

-- The head of the audit hash chain, one row. Writers update it first inside their transaction,
-- which serialises appends on both databases (row lock on PostgreSQL, write lock on SQLite).
CREATE TABLE audit_head (
  id    INTEGER  PRIMARY KEY,
  seq   BIGINT   NOT NULL,
  hash  CHAR(64) NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_log (
  seq          BIGINT       PRIMARY KEY,
  at           BIGINT       NOT NULL,
  actor        VARCHAR(200) NOT NULL,
  actor_role   VARCHAR(20)  NOT NULL,
  action       VARCHAR(100) NOT NULL,
  target_type  VARCHAR(40)  NOT NULL,
  target_id    VARCHAR(200),
  source_ip    VARCHAR(100),
  request_id   VARCHAR(100),
  before_json  TEXT,
  after_json   TEXT,
  prev_hash    CHAR(64)     NOT NULL,
  hash         CHAR(64)     NOT NULL
);
