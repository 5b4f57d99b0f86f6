-- lint corpus: set not null
--
-- Revision ID: lintpg130000
-- Revises:
-- Create Date: 2026-12-01 00:00:00

-- migrate:upgrade
SET lock_timeout = '2s';
-- expect: set-not-null
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;

-- migrate:downgrade
SELECT 1;
