-- Quotas issue: plans (tiers) defined over the admin API, and the plan/limit overrides of keys,
-- teams and projects. Limits are JSON text (docs/quotas.md), portable as in V1.

CREATE TABLE plans (
  name        VARCHAR(100) PRIMARY KEY,
  definition  TEXT         NOT NULL,
  created_at  BIGINT       NOT NULL,
  updated_at  BIGINT       NOT NULL
);

-- keys keep rpm_limit/tpm_limit/max_budget/budget_period in their columns; the rest of their
-- limits (plan, daily limits, concurrency, max_tokens cap, per-model limits) is in quota
ALTER TABLE virtual_keys ADD COLUMN quota TEXT;
ALTER TABLE teams ADD COLUMN quota TEXT;
ALTER TABLE projects ADD COLUMN quota TEXT;
