-- lint corpus: ignore
--
-- Revision ID: lintpg060000
-- Revises:
-- Create Date: 2026-12-01 00:00:00

-- migrate:upgrade
SET lock_timeout = '2s';
-- retort:lint-ignore drop-column the column has been unused since release 41
ALTER TABLE users DROP COLUMN legacy;
-- expect: drop-column
-- expect-next: lint-ignore-reason
-- retort:lint-ignore drop-column
ALTER TABLE users DROP COLUMN other;

-- migrate:downgrade
SELECT 1;
