-- a message
-- Revises: abc

-- migrate:upgrade
-- migrate:downgrade
