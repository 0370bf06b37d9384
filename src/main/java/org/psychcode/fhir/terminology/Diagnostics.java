package org.psychcode.fhir.terminology;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * The {@code diagnostics=true} trace: which code systems, value sets and concept maps answered a request, and where
 * each came from (published, FHIR core, or sent with the request). Only requests that ask for it pay for it: their
 * terminology is wrapped in a {@link Recording} source that notes every resource it hands out.
 */
final class Diagnostics {

  private final Set<String> used = new LinkedHashSet<>();
  private final String profileUrl;
  private final int sent;

  Diagnostics(String profileUrl, int sent) {
    this.profileUrl = profileUrl;
    this.sent = sent;
  }

  void note(String kind, String canonical, String version, String detail) {
    used.add(kind + " " + canonical + (version == null || version.isEmpty() ? "" : "|" + version) + " (" + detail + ")");
  }

  String text() {
    StringBuilder b = new StringBuilder();
    b.append(used.isEmpty() ? "No terminology resources were looked up" : "Used: " + String.join("; ", used));
    b.append(". Resources sent with the request: ").append(sent);
    if (profileUrl != null) {
      b.append(". Profile: ").append(profileUrl);
    }
    return b.toString();
  }

  /** Adds the {@code diagnostics} output parameter. */
  Parameters addTo(Parameters out) {
    out.addParameter().setName("diagnostics").setValue(new StringType(text()));
    return out;
  }

  /** Adds a {@code diagnostics} parameter to an expansion. */
  ValueSet addTo(ValueSet expansion) {
    expansion.getExpansion().addParameter().setName("diagnostics").setValue(new StringType(text()));
    return expansion;
  }

  TerminologySource record(TerminologySource source) {
    return new Recording(source, this);
  }

  /** A terminology source that notes what it hands out. */
  private record Recording(TerminologySource inner, Diagnostics d) implements TerminologySource {

    @Override
    public Optional<CodeSystemIndex> codeSystem(String url, String version) {
      Optional<CodeSystemIndex> r = inner.codeSystem(url, version);
      r.ifPresent(cs -> d.note("CodeSystem", cs.url(), cs.version(), content(cs)));
      return r;
    }

    private static String content(CodeSystemIndex cs) {
      return cs.content() == null ? "code system" : "content " + cs.content().toCode();
    }

    @Override
    public List<String> codeSystemVersions(String url) {
      return inner.codeSystemVersions(url);
    }

    @Override
    public Optional<CodeSystem> supplement(String url, String version) {
      Optional<CodeSystem> r = inner.supplement(url, version);
      r.ifPresent(s -> d.note("CodeSystem supplement", s.getUrl(), s.getVersion(), "supplement"));
      return r;
    }

    @Override
    public List<CodeSystem> supplementsOf(String url) {
      return inner.supplementsOf(url);
    }

    @Override
    public Optional<ValueSet> valueSet(String url, String version) {
      Optional<ValueSet> r = inner.valueSet(url, version);
      r.ifPresent(vs -> d.note("ValueSet", vs.getUrl(), vs.getVersion(), "value set"));
      return r;
    }

    @Override
    public Optional<ConceptMap> conceptMap(String url, String version) {
      Optional<ConceptMap> r = inner.conceptMap(url, version);
      r.ifPresent(cm -> d.note("ConceptMap", cm.getUrl(), cm.getVersion(), "concept map"));
      return r;
    }

    @Override
    public List<ConceptMap> conceptMaps() {
      List<ConceptMap> all = inner.conceptMaps();
      all.forEach(cm -> d.note("ConceptMap", cm.getUrl(), cm.getVersion(), "concept map"));
      return all;
    }

    @Override
    public boolean isPublished() {
      return inner.isPublished();
    }
  }
}
