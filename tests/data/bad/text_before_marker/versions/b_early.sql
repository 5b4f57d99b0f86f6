-- SQL before the first marker
--
-- Revision ID: b2b2b2b2b2b2
-- Revises: a1a1a1a1a1a1
-- Create Date: 2026-01-01 00:00:00.000000

CREATE TABLE early (id INTEGER PRIMARY KEY);

-- migrate:upgrade
CREATE TABLE users (id INTEGER PRIMARY KEY);

-- migrate:downgrade
DROP TABLE users;
