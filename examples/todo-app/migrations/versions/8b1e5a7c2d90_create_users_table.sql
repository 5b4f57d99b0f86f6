-- create users table
--
-- Revision ID: 8b1e5a7c2d90
-- Revises: 3f2a9c1b7d4e
-- Create Date: 2026-11-21 10:05:00.000000

-- migrate:upgrade
CREATE TABLE users (
    id INTEGER NOT NULL,
    email VARCHAR(255) NOT NULL,
    name VARCHAR(100),
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (id),
    CONSTRAINT uq_users_email UNIQUE (email)
);

-- migrate:downgrade
DROP TABLE users;
