-- lint corpus: unique index concurrently
--
-- Revision ID: lintpg160000
-- Revises:
-- Create Date: 2026-12-01 00:00:00

-- migrate:upgrade transaction:false
-- expect: unique-index-existing-table
CREATE UNIQUE INDEX CONCURRENTLY ux_users_email ON users (email);

-- migrate:downgrade transaction:false
DROP INDEX CONCURRENTLY ux_users_email;
