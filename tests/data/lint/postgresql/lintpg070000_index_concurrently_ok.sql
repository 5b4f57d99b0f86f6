-- lint corpus: index concurrently ok
--
-- Revision ID: lintpg070000
-- Revises:
-- Create Date: 2026-12-01 00:00:00

-- migrate:upgrade transaction:false
CREATE INDEX CONCURRENTLY ix_users_name ON users (name);

-- migrate:downgrade transaction:false
DROP INDEX CONCURRENTLY ix_users_name;
