CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE TABLE t (id integer PRIMARY KEY, m mood DEFAULT 'sad', ms mood[]);
CREATE INDEX ix_t_m ON t (m);
