-- lint corpus: constraints
--
-- Revision ID: lintpg040000
-- Revises:
-- Create Date: 2026-12-01 00:00:00

-- migrate:upgrade
SET lock_timeout = '2s';
-- expect: constraint-not-valid
ALTER TABLE orders ADD CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES users (id);
-- expect: constraint-not-valid
ALTER TABLE orders ADD CONSTRAINT ck_orders_total CHECK (total >= 0);
-- expect: constraint-without-index
ALTER TABLE orders ADD CONSTRAINT uq_orders_ref UNIQUE (ref);
-- near misses: NOT VALID, VALIDATE, USING INDEX
ALTER TABLE orders ADD CONSTRAINT fk_orders_user2 FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT fk_orders_user2;
ALTER TABLE orders ADD CONSTRAINT uq_orders_ref2 UNIQUE USING INDEX ux_orders_ref;
CREATE TABLE lines (id integer PRIMARY KEY, order_id integer);
ALTER TABLE lines ADD CONSTRAINT fk_lines_order FOREIGN KEY (order_id) REFERENCES orders (id);

-- migrate:downgrade
DROP TABLE lines;
