-- ajouter la colonne « prénom » — 日本語
-- Revision ID: u7f8
-- migrate:upgrade
ALTER TABLE t ADD COLUMN prénom TEXT;
-- migrate:downgrade
