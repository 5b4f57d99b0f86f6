-- first
--
-- Revision ID: aaaa00000001
-- Revises:
-- Create Date: 2026-01-01 00:00:00
-- Branch Labels:
-- Depends On:

-- migrate:upgrade

-- migrate:downgrade
