CREATE TABLE todos (
    id INTEGER PRIMARY KEY,
    status VARCHAR(20),
    code CHAR(3),
    note TEXT,
    amount NUMERIC(10, 2),
    qty INTEGER
);
