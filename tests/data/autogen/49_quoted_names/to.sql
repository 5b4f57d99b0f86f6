CREATE TABLE "Order Items" ("Id" INTEGER PRIMARY KEY, "Unit Price" REAL NOT NULL, "Quantity" INTEGER DEFAULT 1);
CREATE INDEX "Order Items by price" ON "Order Items" ("Unit Price");
