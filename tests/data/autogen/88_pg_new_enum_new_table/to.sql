CREATE TYPE "Status" AS ENUM ('new', 'in progress', 'it''s done');
CREATE TABLE a (id integer PRIMARY KEY);
CREATE TABLE b (id integer PRIMARY KEY, s "Status" NOT NULL DEFAULT 'new', a_id integer REFERENCES a (id));
