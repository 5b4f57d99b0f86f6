-- Revision ID: a1

CREATE TABLE t (x int);
-- migrate:upgrade
-- migrate:downgrade
