-- a label used twice
--
-- Revision ID: b2b2b2b2b2b2
-- Revises: a1a1a1a1a1a1
-- Branch Labels: api

-- migrate:upgrade

-- migrate:downgrade
