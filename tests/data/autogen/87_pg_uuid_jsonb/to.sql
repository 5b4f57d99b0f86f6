CREATE TABLE t (id integer PRIMARY KEY, u uuid NOT NULL DEFAULT gen_random_uuid(), doc jsonb NOT NULL DEFAULT '{}'::jsonb);
