
-- Author: Ada: notes
-- Revision ID: k1
-- Reviewed-By: bob
--   indented doc line
-- Create Date: 2026-11-21 10:00:00.123456+01:00

   -- an indented comment before the markers

-- migrate:upgrade
SELECT '-- migrate:downgrade inside a string is not a marker';
-- migrate:downgrade
