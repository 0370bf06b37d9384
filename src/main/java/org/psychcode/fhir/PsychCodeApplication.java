package org.psychcode.fhir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Starts the PsychCode FHIR server: HAPI's {@code RestfulServer} at {@code /fhir} inside Spring Boot. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class PsychCodeApplication {

  public static void main(String[] args) {
    SpringApplication.run(PsychCodeApplication.class, args);
  }
}
