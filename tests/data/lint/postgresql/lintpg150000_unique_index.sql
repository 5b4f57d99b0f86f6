-- lint corpus: unique index
--
-- Revision ID: lintpg150000
-- Revises:
-- Create Date: 2026-12-01 00:00:00

-- migrate:upgrade
-- expect: index-not-concurrently, unique-index-existing-table
CREATE UNIQUE INDEX ux_users_email ON users (email);

-- migrate:downgrade
SELECT 1;
