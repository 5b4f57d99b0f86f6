-- lint corpus: ignore
--
-- Revision ID: lintsq010000
-- Revises:
-- Create Date: 2026-12-01 00:00:00

-- migrate:upgrade
-- retort:lint-ignore drop-table the table was emptied and unused for a year
DROP TABLE audit;
-- expect: drop-table
-- expect-next: lint-ignore-reason
-- retort:lint-ignore drop-table
drop table "old_log";

-- migrate:downgrade
SELECT 1;
