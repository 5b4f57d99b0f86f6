-- a second file with the first one's id
--
-- Revision ID: a1a1a1a1a1a1
-- Revises:
-- Create Date: 2026-01-01 00:00:00.000000

-- migrate:upgrade
CREATE TABLE dup (id INTEGER PRIMARY KEY);

-- migrate:downgrade
DROP TABLE dup;
