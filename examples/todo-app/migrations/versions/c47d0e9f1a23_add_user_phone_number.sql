-- add_user_phone_number
--
-- Starts the `contact` branch: contact details for users, developed
-- alongside the todos work and merged back in 9a0b1c2d3e4f.
--
-- Revision ID: c47d0e9f1a23
-- Revises: 8b1e5a7c2d90
-- Create Date: 2026-11-21 10:10:00.000000
-- Branch Labels: contact

-- migrate:upgrade
ALTER TABLE users ADD COLUMN phone_number VARCHAR(20);

-- migrate:downgrade
ALTER TABLE users DROP COLUMN phone_number;
