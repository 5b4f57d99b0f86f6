-- lint corpus: add column
--
-- Revision ID: lintpg000000
-- Revises:
-- Create Date: 2026-12-01 00:00:00

-- migrate:upgrade
SET lock_timeout = '2s';
-- expect: add-column-volatile-default
ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();
-- expect: add-column-not-null-no-default
ALTER TABLE users ADD COLUMN age integer NOT NULL;
-- near misses: a constant default; nullable; not null with a default
ALTER TABLE users ADD COLUMN plan text DEFAULT 'free';
ALTER TABLE users ADD COLUMN note text;
ALTER TABLE users ADD COLUMN score integer NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN seen timestamptz DEFAULT now();

-- migrate:downgrade
SELECT 1;
