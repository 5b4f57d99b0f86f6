-- retort:renamed-from people
CREATE TABLE users (
    id integer PRIMARY KEY,
    email_address text -- retort:renamed-from email
);
CREATE INDEX ix_people_email ON users (email_address);
