-- lint corpus: irreversible
--
-- Revision ID: lintsq020000
-- Revises:
-- Create Date: 2026-12-01 00:00:00

-- migrate:upgrade
CREATE TABLE t (id integer);
-- expect-next: irreversible
-- migrate:downgrade

