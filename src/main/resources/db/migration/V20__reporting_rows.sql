-- Derived reporting rows: the facts of every line of every current, counted Claim, the billing-rule findings the
-- rules raise on it, and each Practitioner's taxonomy. Written by the reports' StoreWriteListener in the same database
-- transaction as the Claim, Encounter or Practitioner they derive from (replaced on update, removed on delete), so the
-- coding profiles and the utilization report are SQL aggregates over these tables, never a re-reading of JSON.
-- The same SQL for H2 (2.x) and PostgreSQL (12+).

-- One row per line (Claim.item) of a Claim whose current version is not deleted, is not cancelled or entered in error,
-- and is a claim (use = claim). Every fact as the billing rules read it (DESIGN, "How a request is read").
CREATE TABLE report_claim_line (
  claim_id VARCHAR(64) NOT NULL,
  line_no INT NOT NULL,                 -- position in Claim.item, from 0
  practitioner_id VARCHAR(64),          -- the Practitioner who billed the line: its care team member, else Claim.provider
  taxonomy VARCHAR(16),                 -- the NUCC taxonomy the line was billed under (care team qualification, else the provider's)
  patient_id VARCHAR(64),
  encounter_id VARCHAR(64),             -- the first Claim.item.encounter, as Encounter/<id> in the store
  service_date DATE,                    -- servicedDate, servicedPeriod.start, else the encounter's start date
  service_month INT,                    -- the same as yyyymm, for grouping by month
  code_system VARCHAR(255),
  code VARCHAR(64),
  units INT NOT NULL,
  session_type VARCHAR(32),             -- the encounter's session type, else the code's session-type property
  minutes INT,                          -- whole minutes: the line's own servicedPeriod, else the encounter's time
  timed BOOLEAN NOT NULL,               -- the code is billed by time (it has minimum-minutes)
  telehealth BOOLEAN,                   -- place of service 02/10, else the encounter class; null when neither says
  place VARCHAR(8),
  diagnosis_category VARCHAR(8),        -- the line's ICD-10-CM diagnosis (diagnosisSequence, else the claim's first), 3 characters
  addon_without_em BOOLEAN NOT NULL,    -- an E/M psychotherapy add-on with no E/M on the same claim and date
  CONSTRAINT report_claim_line_pk PRIMARY KEY (claim_id, line_no)
);
CREATE INDEX report_claim_line_date ON report_claim_line (service_date, practitioner_id, code);
CREATE INDEX report_claim_line_practitioner ON report_claim_line (practitioner_id, service_date);
CREATE INDEX report_claim_line_encounter ON report_claim_line (encounter_id);

-- The billing-rule findings on each such Claim, as the rules raise them on the stored Claim with its references read
-- from the store: one row per rule, with how many findings of it the claim carries.
CREATE TABLE report_finding (
  claim_id VARCHAR(64) NOT NULL,
  rule VARCHAR(64) NOT NULL,
  severity VARCHAR(16) NOT NULL,
  findings INT NOT NULL,
  CONSTRAINT report_finding_pk PRIMARY KEY (claim_id, rule)
);

-- Each current Practitioner: its NUCC taxonomy (the first of Practitioner.qualification), by which peers are chosen,
-- and the name the pages show.
CREATE TABLE report_practitioner (
  practitioner_id VARCHAR(64) NOT NULL PRIMARY KEY,
  taxonomy VARCHAR(16),
  name VARCHAR(255)
);
CREATE INDEX report_practitioner_taxonomy ON report_practitioner (taxonomy);
