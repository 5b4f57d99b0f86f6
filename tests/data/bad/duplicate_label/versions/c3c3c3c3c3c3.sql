-- a label used twice
--
-- Revision ID: c3c3c3c3c3c3
-- Revises: a1a1a1a1a1a1
-- Branch Labels: api

-- migrate:upgrade

-- migrate:downgrade
