-- lint corpus: index not concurrently
--
-- Revision ID: lintpg080000
-- Revises:
-- Create Date: 2026-12-01 00:00:00

-- migrate:upgrade
-- expect: index-not-concurrently
CREATE INDEX ix_users_email ON users (email);
CREATE TABLE fresh (id integer, a integer);
-- near miss: a table made in this revision
CREATE INDEX ix_fresh_a ON fresh (a);

-- migrate:downgrade
DROP TABLE fresh;
