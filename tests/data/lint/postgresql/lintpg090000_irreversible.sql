-- lint corpus: irreversible
--
-- Revision ID: lintpg090000
-- Revises:
-- Create Date: 2026-12-01 00:00:00

-- migrate:upgrade
-- expect: no-lock-timeout
ALTER TABLE users ADD COLUMN x integer;
-- expect-next: irreversible
-- migrate:downgrade

