-- report_practitioner is only ever read by its key (a practitioner's taxonomy and name, or joined on practitioner_id
-- to the lines of a period); no query selects practitioners by taxonomy, so the index on it was written with every
-- Practitioner and never read. The same SQL for H2 (2.x) and PostgreSQL (12+).
DROP INDEX report_practitioner_taxonomy;
