-- lint corpus: breaking
--
-- Revision ID: lintpg020000
-- Revises:
-- Create Date: 2026-12-01 00:00:00

-- migrate:upgrade
SET lock_timeout = '2s';
-- expect: drop-column
ALTER TABLE users DROP COLUMN legacy;
-- expect: rename-column
ALTER TABLE users RENAME COLUMN name TO full_name;
-- expect: rename-table
ALTER TABLE orders RENAME TO purchases;
-- expect: drop-table
DROP TABLE audit;
CREATE TABLE tmp (id integer);
ALTER TABLE tmp RENAME COLUMN id TO tmp_id;
-- near miss: a table made in this revision
DROP TABLE tmp;

-- migrate:downgrade
SELECT 1;
