-- lint corpus: drop index
--
-- Revision ID: lintpg050000
-- Revises:
-- Create Date: 2026-12-01 00:00:00

-- migrate:upgrade
-- expect: drop-index-not-concurrently
DROP INDEX ix_users_email;

-- migrate:downgrade
SELECT 1;
