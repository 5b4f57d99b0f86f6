-- index todos status
--
-- A second branch from 8b1e5a7c2d90, written at the same time as the
-- contact branch (as two developers would).
--
-- Revision ID: 5e6f7a8b9c0d
-- Revises: 8b1e5a7c2d90
-- Create Date: 2026-11-21 10:12:00.000000

-- migrate:upgrade
CREATE INDEX ix_todos_status ON todos (status);

-- migrate:downgrade
DROP INDEX ix_todos_status;
