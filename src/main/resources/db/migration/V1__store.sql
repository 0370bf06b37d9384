-- The store: every resource as its JSON with its version history, and the index rows its search parameters extract.
-- Written in the SQL that H2 (2.x) and PostgreSQL (12+) both read, so one set of migrations serves both. Times are
-- epoch milliseconds (UTC).

-- Keys of the resource table, drawn by the server 100 at a time (one round trip per hundred resources), so that a
-- transaction's rows are sent as one batch per table.
CREATE SEQUENCE resource_pk_seq START WITH 1 INCREMENT BY 100;

-- One row per resource ever stored: its current version. The unique (res_type, res_id) and the version column are
-- what several servers on one database check their writes against. Server-assigned ids are time-ordered, so new rows
-- land at the end of the unique index.
CREATE TABLE resource (
  res_pk BIGINT NOT NULL PRIMARY KEY,
  res_type VARCHAR(64) NOT NULL,
  res_id VARCHAR(64) NOT NULL,
  version BIGINT NOT NULL,
  deleted BOOLEAN NOT NULL,
  last_updated BIGINT NOT NULL,
  CONSTRAINT resource_type_id UNIQUE (res_type, res_id)
);
CREATE INDEX resource_type_updated ON resource (res_type, last_updated);

-- Every version, the current one included; a deletion is a version without content. Written by the same code, in
-- the same transaction, as its resource row (no foreign key, which would cost every insert a lookup).
CREATE TABLE resource_version (
  res_pk BIGINT NOT NULL,
  version BIGINT NOT NULL,
  res_type VARCHAR(64) NOT NULL,
  res_id VARCHAR(64) NOT NULL,
  method VARCHAR(8) NOT NULL,
  last_updated BIGINT NOT NULL,
  content VARCHAR(1000000),
  CONSTRAINT resource_version_pk PRIMARY KEY (res_pk, version)
);
CREATE INDEX resource_version_type_updated ON resource_version (res_type, last_updated);

-- Index rows of the current, not deleted version of each resource (replaced on every write by the same code that
-- writes the resource, in the same transaction; no foreign key). Each search index ends with res_pk, so a search
-- clause is answered from the index alone; the (res_pk) index serves replacing a resource's rows and _include.
CREATE TABLE sp_token (
  res_pk BIGINT NOT NULL,
  res_type VARCHAR(64) NOT NULL,
  param VARCHAR(64) NOT NULL,
  system VARCHAR(255),
  code VARCHAR(255) NOT NULL
);
CREATE INDEX sp_token_code ON sp_token (res_type, param, code, system, res_pk);
CREATE INDEX sp_token_res ON sp_token (res_pk);

CREATE TABLE sp_string (
  res_pk BIGINT NOT NULL,
  res_type VARCHAR(64) NOT NULL,
  param VARCHAR(64) NOT NULL,
  value_normalized VARCHAR(255) NOT NULL,
  value_exact VARCHAR(255) NOT NULL
);
CREATE INDEX sp_string_value ON sp_string (res_type, param, value_normalized, res_pk);
CREATE INDEX sp_string_res ON sp_string (res_pk);

-- A date, dateTime, instant or Period as the range [low, high] it covers.
CREATE TABLE sp_date (
  res_pk BIGINT NOT NULL,
  res_type VARCHAR(64) NOT NULL,
  param VARCHAR(64) NOT NULL,
  low BIGINT NOT NULL,
  high BIGINT NOT NULL
);
CREATE INDEX sp_date_low ON sp_date (res_type, param, low, high, res_pk);
CREATE INDEX sp_date_res ON sp_date (res_pk);

-- References: those of reference search parameters (param set), and every other reference of the resource
-- (param null), so that a resource still referenced is not deleted. A reference to this server's own base is kept as
-- Type/id.
CREATE TABLE sp_reference (
  res_pk BIGINT NOT NULL,
  res_type VARCHAR(64) NOT NULL,
  param VARCHAR(64),
  target_type VARCHAR(64) NOT NULL,
  target_id VARCHAR(1000) NOT NULL
);
CREATE INDEX sp_reference_target ON sp_reference (target_id, target_type, res_type, param, res_pk);
CREATE INDEX sp_reference_res ON sp_reference (res_pk);
