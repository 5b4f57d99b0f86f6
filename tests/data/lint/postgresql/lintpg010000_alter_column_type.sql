-- lint corpus: alter column type
--
-- Revision ID: lintpg010000
-- Revises:
-- Create Date: 2026-12-01 00:00:00

-- migrate:upgrade
SET lock_timeout = '2s';
-- expect: alter-column-type
ALTER TABLE users ALTER COLUMN age TYPE bigint;
-- expect: alter-column-type
ALTER TABLE users ALTER COLUMN name TYPE varchar(20);
-- near misses: widenings that do not rewrite
ALTER TABLE users ALTER COLUMN name TYPE text;
ALTER TABLE users ALTER COLUMN bio TYPE varchar;

-- migrate:downgrade
SELECT 1;
