-- Revision ID: a1

-- migrate:upgrade
CREATE TABLE t (x int);

