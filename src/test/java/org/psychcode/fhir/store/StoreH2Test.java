package org.psychcode.fhir.store;

/** The store's contract on the default database: an H2 file (the tests' own, under target/). */
class StoreH2Test extends StoreContractTests {}
