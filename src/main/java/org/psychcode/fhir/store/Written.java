package org.psychcode.fhir.store;

import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * What a write did, and the resource as it now stands (null after a delete).
 *
 * @param outcome what validation said (warnings, or an information issue), null when nothing was validated
 */
public record Written(
    Kind kind, String type, String id, long version, long lastUpdated, IBaseResource resource, OperationOutcome outcome) {

  public enum Kind {
    /** A new resource (create, or an update of an id not yet stored): 201. */
    CREATED,
    /** A new version: 200. */
    UPDATED,
    /** A conditional create whose criteria matched a stored resource: nothing written, 200. */
    MATCHED,
    /** Deleted now, or already deleted: 200. */
    DELETED
  }

  public boolean created() {
    return kind == Kind.CREATED;
  }

  /** What happened, in a sentence for an OperationOutcome. */
  public String sentence() {
    String ref = type + "/" + id;
    return switch (kind) {
      case CREATED -> ref + " was created (version " + version + ").";
      case UPDATED -> ref + " was updated to version " + version + ".";
      case MATCHED -> ref + " matched the criteria of the conditional create; nothing was created.";
      case DELETED -> ref + " is deleted.";
    };
  }
}
