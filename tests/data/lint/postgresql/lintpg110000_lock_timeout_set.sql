-- lint corpus: lock timeout set
--
-- Revision ID: lintpg110000
-- Revises:
-- Create Date: 2026-12-01 00:00:00

-- migrate:upgrade
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN nickname text;

-- migrate:downgrade
SELECT 1;
