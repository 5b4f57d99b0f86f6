-- lint corpus: ALTER TYPE ... ADD VALUE in a transaction, on PostgreSQL 11
--
-- Revision ID: lintpg170000
-- Revises:
-- Create Date: 2026-12-01 00:00:00
-- config: lint_server_version 11.4

-- migrate:upgrade
-- expect: enum-add-value-in-transaction
ALTER TYPE mood ADD VALUE 'meh';
-- renaming a value runs in a transaction on every version
ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';

-- migrate:downgrade
ALTER TYPE mood RENAME VALUE 'blue' TO 'sad';
