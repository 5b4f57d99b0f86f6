-- y
--
-- Revision ID: c3c3c3c3c3c3
-- Revises: b2b2b2b2b2b2
-- Create Date: 2026-01-01 00:00:00.000000

-- migrate:upgrade
CREATE TABLE y (id INTEGER);

-- migrate:downgrade
DROP TABLE y;
