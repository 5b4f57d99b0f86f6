-- lint corpus: breaking
--
-- Revision ID: lintsq000000
-- Revises:
-- Create Date: 2026-12-01 00:00:00

-- migrate:upgrade
-- expect: drop-column
ALTER TABLE users DROP COLUMN legacy;
-- expect: rename-column
ALTER TABLE users RENAME COLUMN name TO full_name;
-- expect: rename-table
ALTER TABLE orders RENAME TO purchases;
-- expect: drop-table
DROP TABLE audit;
-- near misses: a table made here; adding things (a ; in a comment)
CREATE TABLE tmp (id integer);
ALTER TABLE tmp RENAME COLUMN id TO tmp_id;
DROP TABLE tmp;
ALTER TABLE users ADD COLUMN nickname text;
CREATE INDEX ix_users_email ON users (email);

-- migrate:downgrade
SELECT 1;
