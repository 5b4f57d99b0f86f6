-- revises a revision nobody has
--
-- Revision ID: b2b2b2b2b2b2
-- Revises: deadbeef0000
-- Create Date: 2026-01-01 00:00:00.000000

-- migrate:upgrade
CREATE TABLE orphan (id INTEGER PRIMARY KEY);

-- migrate:downgrade
DROP TABLE orphan;
