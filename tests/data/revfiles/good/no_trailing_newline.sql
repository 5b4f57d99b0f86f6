-- no newline at the end
-- Revision ID: nonl
-- migrate:upgrade transaction:true
SELECT 1;
-- migrate:downgrade
SELECT 2;