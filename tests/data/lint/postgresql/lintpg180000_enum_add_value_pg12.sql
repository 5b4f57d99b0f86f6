-- lint corpus: ALTER TYPE ... ADD VALUE in a transaction, on PostgreSQL 12
--
-- Revision ID: lintpg180000
-- Revises:
-- Create Date: 2026-12-01 00:00:00
-- config: lint_server_version 12

-- migrate:upgrade
ALTER TYPE mood ADD VALUE 'meh';

-- migrate:downgrade
SELECT 1;
