-- lint corpus: concurrently in transaction
--
-- Revision ID: lintpg030000
-- Revises:
-- Create Date: 2026-12-01 00:00:00

-- migrate:upgrade
-- expect: concurrently-in-transaction
CREATE INDEX CONCURRENTLY ix_users_email ON users (email);

-- migrate:downgrade
SELECT 1;
