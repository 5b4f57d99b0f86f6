-- an id with a character retort uses in revision arguments
--
-- Revision ID: b2b2-b2b2
-- Revises: a1a1a1a1a1a1

-- migrate:upgrade

-- migrate:downgrade
