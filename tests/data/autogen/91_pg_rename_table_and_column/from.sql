CREATE TABLE people (id integer PRIMARY KEY, email text);
CREATE INDEX ix_people_email ON people (email);
