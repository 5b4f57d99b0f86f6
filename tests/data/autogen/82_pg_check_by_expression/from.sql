CREATE TABLE t (id integer PRIMARY KEY, price numeric, qty integer CHECK (qty >= 0),
    CONSTRAINT ck_price CHECK (price > 0));
