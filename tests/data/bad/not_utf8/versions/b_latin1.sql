-- café orders table
--
-- Revision ID: b2b2b2b2b2b2
-- Revises: a1a1a1a1a1a1
-- Create Date: 2026-01-01 00:00:00.000000

-- migrate:upgrade
CREATE TABLE x (id INTEGER PRIMARY KEY);

-- migrate:downgrade
DROP TABLE x;
