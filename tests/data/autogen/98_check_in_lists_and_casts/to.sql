CREATE TABLE todos (
    id INTEGER PRIMARY KEY,
    status VARCHAR(20) CHECK (status IN ('open', 'done')),
    code CHAR(3) CHECK (code IN ('abc', 'xyz')),
    note TEXT CHECK (note IN ('a', 'b')),
    amount NUMERIC(10, 2) CHECK (amount IN (1.5, 2.5)),
    qty INTEGER CHECK (qty BETWEEN 1 AND 10),
    CONSTRAINT todos_status_cast CHECK (CAST(status AS TEXT) <> 'x')
);
