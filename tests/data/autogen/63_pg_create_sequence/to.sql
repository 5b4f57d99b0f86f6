CREATE SEQUENCE order_no START 1000;
CREATE TABLE t (id integer PRIMARY KEY, no bigint DEFAULT nextval('order_no'));
