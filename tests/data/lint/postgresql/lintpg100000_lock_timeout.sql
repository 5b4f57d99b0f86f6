-- lint corpus: lock timeout
--
-- Revision ID: lintpg100000
-- Revises:
-- Create Date: 2026-12-01 00:00:00

-- migrate:upgrade
-- expect: no-lock-timeout
ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE users ADD COLUMN motto text;

-- migrate:downgrade
SELECT 1;
