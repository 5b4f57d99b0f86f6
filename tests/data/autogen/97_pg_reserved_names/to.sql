CREATE TABLE "user" (id integer PRIMARY KEY, "offset" bigint NOT NULL DEFAULT 0, "window" text, "Mixed Case" text);
CREATE INDEX "ix user offset" ON "user" ("offset" DESC);
COMMENT ON COLUMN "user"."offset" IS 'o';
