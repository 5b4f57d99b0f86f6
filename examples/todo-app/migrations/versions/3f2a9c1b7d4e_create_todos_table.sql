-- create todos table
--
-- Revision ID: 3f2a9c1b7d4e
-- Revises:
-- Create Date: 2026-11-21 10:00:00.000000

-- migrate:upgrade
CREATE TABLE todos (
    id INTEGER NOT NULL,
    title VARCHAR NOT NULL,
    description VARCHAR,
    status VARCHAR NOT NULL,
    PRIMARY KEY (id)
);

-- migrate:downgrade
DROP TABLE todos;
