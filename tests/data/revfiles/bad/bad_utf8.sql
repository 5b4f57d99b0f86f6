-- Revision ID: a1
-- migrate:upgrade
-- migrate:downgrade
SELECT 'Ã(';
