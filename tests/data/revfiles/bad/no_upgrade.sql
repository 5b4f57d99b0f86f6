-- Revision ID: a1

-- migrate:downgrade
DROP TABLE t;
