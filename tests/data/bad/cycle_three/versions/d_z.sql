-- z
--
-- Revision ID: d4d4d4d4d4d4
-- Revises: c3c3c3c3c3c3
-- Create Date: 2026-01-01 00:00:00.000000

-- migrate:upgrade
CREATE TABLE z (id INTEGER);

-- migrate:downgrade
DROP TABLE z;
