-- a marker option retort does not know
--
-- Revision ID: b2b2b2b2b2b2
-- Revises: a1a1a1a1a1a1

-- migrate:upgrade transactoin:false
CREATE TABLE users (id INTEGER PRIMARY KEY);

-- migrate:downgrade
DROP TABLE users;
