-- The usage ledger in chunks (usage.ledger_format: chunks, the default): one row holds a batch of
-- request records encoded by io.wanapis.store.RecordChunk, instead of a row per request in
-- usage_records (which stays: usage.ledger_format: rows writes there, and reports read both).
-- Why: a row per request cost SQLite 5-10 µs of CPU each on a 2-core machine (docs/benchmarks.md).
--
-- id: the batch's first request id, its size and its last request id: a batch retried as it was
--     is skipped when its first try had reached the database.
-- ts_min, ts_max: the records' oldest and newest timestamps (epoch ms); reports read the chunks
--     that overlap their range.
-- costs: JSON {"key":{id:usd},"team":{...},"project":{...}}, the chunk's priced cost per key, team
--     and project, so rebuilding a budget's spend at start-up does not decode every record.
-- BYTEA: PostgreSQL's binary type; SQLite stores the bytes as a BLOB under any type name.
CREATE TABLE usage_chunks (
  id        VARCHAR(80)  PRIMARY KEY,
  ts_min    BIGINT       NOT NULL,
  ts_max    BIGINT       NOT NULL,
  records   INTEGER      NOT NULL,
  costs     TEXT         NOT NULL,
  data      BYTEA        NOT NULL
);
CREATE INDEX usage_chunks_ts_max ON usage_chunks (ts_max);
