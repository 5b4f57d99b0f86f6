-- create todos table
--
-- Revision ID: 3f2a9c1b7d4e
-- Revises: 1a2b3c4d5e6f
-- Create Date: 2026-11-21 10:00:00.000000
-- Branch Labels: api
-- Depends On: 9c0ffee12345

-- migrate:upgrade
CREATE TABLE todos (
    id INTEGER PRIMARY KEY,
    title VARCHAR NOT NULL
);

-- migrate:downgrade
DROP TABLE todos;
