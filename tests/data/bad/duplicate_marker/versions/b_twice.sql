-- two upgrade markers
--
-- Revision ID: b2b2b2b2b2b2
-- Revises: a1a1a1a1a1a1

-- migrate:upgrade
CREATE TABLE users (id INTEGER PRIMARY KEY);

-- migrate:upgrade
CREATE TABLE more (id INTEGER PRIMARY KEY);

-- migrate:downgrade
DROP TABLE users;
