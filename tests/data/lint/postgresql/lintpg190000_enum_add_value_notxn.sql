-- lint corpus: ALTER TYPE ... ADD VALUE outside a transaction, on PostgreSQL 9.6
--
-- Revision ID: lintpg190000
-- Revises:
-- Create Date: 2026-12-01 00:00:00
-- config: lint_server_version 9.6

-- migrate:upgrade transaction:false
ALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh';

-- migrate:downgrade
SELECT 1;
