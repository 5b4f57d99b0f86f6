CREATE TABLE t (a integer NOT NULL, b integer NOT NULL, c text, CONSTRAINT t_pkey PRIMARY KEY (a, b), CONSTRAINT uq_c UNIQUE (c, b));
