-- lint corpus: notxn
--
-- Revision ID: lintpg120000
-- Revises:
-- Create Date: 2026-12-01 00:00:00

-- migrate:upgrade transaction:false
-- expect: notxn-several-statements
CREATE INDEX CONCURRENTLY ix_a ON users (a);
CREATE INDEX CONCURRENTLY ix_b ON users (b);

-- migrate:downgrade transaction:false
DROP INDEX CONCURRENTLY ix_a;
