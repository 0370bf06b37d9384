package org.psychcode.fhir.reports;

/** The reports on the default database: an H2 file (the tests' own, under target/). */
class ReportsH2Test extends ReportsContractTests {}
