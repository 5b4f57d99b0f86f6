-- lint corpus: truncate vacuum cluster
--
-- Revision ID: lintpg140000
-- Revises:
-- Create Date: 2026-12-01 00:00:00

-- migrate:upgrade transaction:false
-- expect: truncate-cascade, notxn-several-statements
TRUNCATE orders CASCADE;
TRUNCATE sessions;
-- expect: vacuum-full
VACUUM FULL users;
-- expect: cluster
CLUSTER users USING users_pkey;

-- migrate:downgrade transaction:false
SELECT 1;
