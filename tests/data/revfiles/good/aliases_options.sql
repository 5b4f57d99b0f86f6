-- concurrent index
-- Revision ID: idx1
-- Revises: base1

--migrate:down   transaction:false
DROP INDEX CONCURRENTLY ix;
-- migrate:upgrade transaction:false
CREATE INDEX CONCURRENTLY ix ON t (c);
-- a comment in the section
