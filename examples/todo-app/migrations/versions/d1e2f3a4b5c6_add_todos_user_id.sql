-- add todos user id
--
-- Each todo may belong to a user.
--
-- Revision ID: d1e2f3a4b5c6
-- Revises: 9a0b1c2d3e4f
-- Create Date: 2026-11-21 10:30:00.000000

-- migrate:upgrade
ALTER TABLE todos ADD COLUMN user_id INTEGER REFERENCES users (id);
CREATE INDEX ix_todos_user_id ON todos (user_id);

-- migrate:downgrade
DROP INDEX ix_todos_user_id;
ALTER TABLE todos DROP COLUMN user_id;
