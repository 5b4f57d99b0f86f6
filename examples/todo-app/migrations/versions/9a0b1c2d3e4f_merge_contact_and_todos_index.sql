-- merge contact and todos index
--
-- Revision ID: 9a0b1c2d3e4f
-- Revises: c47d0e9f1a23, 5e6f7a8b9c0d
-- Create Date: 2026-11-21 10:20:00.000000

-- migrate:upgrade

-- migrate:downgrade
