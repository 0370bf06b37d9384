-- Bulk export jobs ($export), kept in the database so that any server sharing it can answer a job's status, serve its
-- files, cancel it, or take it over when the server that started it stops. A file is not a copy of the data: it is a
-- range of one type's resources (res_pk from first_pk to last_pk) as they stood at the job's transaction time, streamed
-- from the store when it is downloaded. The same SQL for H2 (2.x) and PostgreSQL (12+).

CREATE TABLE export_job (
  job_id VARCHAR(64) NOT NULL PRIMARY KEY,
  state VARCHAR(16) NOT NULL,            -- accepted, running, complete, failed
  kind VARCHAR(16) NOT NULL,             -- system, patient, group
  group_id VARCHAR(64),
  types VARCHAR(4000) NOT NULL,          -- the exported types, comma-separated, in order
  since_ms BIGINT,                       -- _since: resources changed after it (epoch ms), null for all
  transaction_time BIGINT NOT NULL,      -- the instant the files show the store at (epoch ms)
  request_url VARCHAR(4000) NOT NULL,    -- the kick-off request, for the manifest
  created BIGINT NOT NULL,
  expires BIGINT NOT NULL,               -- when the job and its files are removed
  owner VARCHAR(64),                     -- the server working on it
  lease_until BIGINT,                    -- until when that server's claim holds (it renews it as it goes)
  progress VARCHAR(200),
  failure VARCHAR(4000)
);
CREATE INDEX export_job_state ON export_job (state, lease_until);

-- The files of a job: output (resources), deleted (transaction Bundles of deletions, with _since) and error
-- (OperationOutcomes, kept here as their NDJSON: they are few).
CREATE TABLE export_file (
  job_id VARCHAR(64) NOT NULL,
  file_no INT NOT NULL,
  kind VARCHAR(8) NOT NULL,
  res_type VARCHAR(64) NOT NULL,
  first_pk BIGINT,
  last_pk BIGINT,
  resources BIGINT NOT NULL,
  content VARCHAR(1000000),
  CONSTRAINT export_file_pk PRIMARY KEY (job_id, file_no)
);

-- The patients a Patient- or Group-level job is limited to (a Group's members, or the patient parameter).
CREATE TABLE export_patient (
  job_id VARCHAR(64) NOT NULL,
  patient_id VARCHAR(64) NOT NULL,
  CONSTRAINT export_patient_pk PRIMARY KEY (job_id, patient_id)
);

-- One type's resources in the order of their key: how a job splits a type into files and a file is read back.
CREATE INDEX resource_type_pk ON resource (res_type, res_pk);
