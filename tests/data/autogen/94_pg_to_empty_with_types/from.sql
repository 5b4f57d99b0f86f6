CREATE TYPE mood AS ENUM ('a', 'b');
CREATE SEQUENCE s;
CREATE TABLE x (id integer PRIMARY KEY, m mood, y_id integer);
CREATE TABLE y (id integer PRIMARY KEY, x_id integer REFERENCES x (id));
ALTER TABLE x ADD FOREIGN KEY (y_id) REFERENCES y (id);
CREATE VIEW v AS SELECT m FROM x;
COMMENT ON TABLE x IS 'x';
