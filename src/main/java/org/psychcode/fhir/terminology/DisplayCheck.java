package org.psychcode.fhir.terminology;

import java.util.List;
import java.util.function.Consumer;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * Whether a display a client gave is one of a concept's displays in the languages it asked for, and the issue that
 * says so when it is not (a wrong display, one only wrong in its spaces, one no longer correct, none in that
 * language), as the ecosystem words them. An error unless {@code lenient-display-validation} makes it a warning.
 */
final class DisplayCheck {

  private final TxParameters params;

  DisplayCheck(TxParameters params) {
    this.params = params;
  }

  /** A display given for a code found in the value set, against the displays gathered for it. */
  void inValueSet(Designations list, Language defLang, Coding c, Consumer<String> msg, TxOutcome op, String path) {
    Languages langs = params.workingLanguages();
    Designations.Match hd = list.hasDisplay(langs, null, c.getDisplay(), false);
    if (!hd.found()) {
      IssueSeverity severity = params.displayWarning ? IssueSeverity.WARNING : IssueSeverity.ERROR;
      String baseMsg =
          hd.difference() == Designations.Difference.NORMALIZED
              ? "Display_Name_WS_for__should_be_one_of__instead_of"
              : "Display_Name_for__should_be_one_of__instead_of";
      int dc = list.displayCount(langs, null, true);
      String mid = baseMsg;
      if (dc == 0) {
        severity = IssueSeverity.WARNING;
        dc = list.displayCount(langs, null, false);
      }
      String m;
      if (dc == 0) {
        String ds = list.preferredDisplay(null);
        if (ds == null) {
          m = TxMessages.format("NO_VALID_DISPLAY_AT_ALL", c.getDisplay(), c.getSystem(), c.getCode());
          mid = "NO_VALID_DISPLAY_AT_ALL";
        } else {
          Designations.Match hdDef = list.hasDisplay(langs, defLang, c.getDisplay(), false);
          if (hdDef.found()) {
            m =
                TxMessages.format(
                    "NO_VALID_DISPLAY_FOUND_NONE_FOR_LANG_OK",
                    c.getDisplay(),
                    c.getSystem(),
                    c.getCode(),
                    params.langSummary(),
                    c.getDisplay());
            mid = "NO_VALID_DISPLAY_FOUND_NONE_FOR_LANG_OK";
            severity = IssueSeverity.INFORMATION;
          } else {
            m =
                TxMessages.format(
                    "NO_VALID_DISPLAY_FOUND_NONE_FOR_LANG_ERR",
                    c.getDisplay(),
                    c.getSystem(),
                    c.getCode(),
                    params.langSummary(),
                    ds);
            mid = "NO_VALID_DISPLAY_FOUND_NONE_FOR_LANG_ERR";
            severity = params.displayWarning ? IssueSeverity.WARNING : IssueSeverity.ERROR;
          }
        }
      } else {
        m =
            TxMessages.plural(
                dc,
                baseMsg,
                Integer.toString(dc),
                c.getSystem(),
                c.getCode(),
                list.present(langs, true),
                c.getDisplay(),
                params.langSummary());
      }
      msg.accept(m);
      op.add(new TxIssue(severity, IssueType.INVALID, ValueSetChecker.addToPath(path, "display"), mid, m, "invalid-display"));
      return;
    }
    Designations.Match active = list.hasDisplay(langs, null, c.getDisplay(), true);
    if (!active.found()) {
      // a display that was correct once: a warning, as tx.fhir.org answers it (the code itself is fine)
      String m =
          TxMessages.format(
              "INACTIVE_DISPLAY_FOUND",
              c.getDisplay(),
              c.getDisplay(),
              c.getCode(),
              quotedList(list.allowedDisplays(null)),
              list.statusOf(c.getDisplay()));
      op.add(
          new TxIssue(
              IssueSeverity.WARNING, IssueType.INVALID, ValueSetChecker.addToPath(path, "display"), "INACTIVE_DISPLAY_FOUND", m, "display-comment"));
    }
  }

  /**
   * A display given for a code that is not in the value set, against its own code system's displays (the answer
   * still says whether the display would be right).
   */
  void inCodeSystem(Designations list, CodeSystemIndex prov, Coding c, Consumer<String> msg, TxOutcome op, String path) {
    IssueSeverity severity = params.displayWarning ? IssueSeverity.WARNING : IssueSeverity.ERROR;
    Language defLang = prov.language() == null ? new Language("en") : prov.language();
    Designations.Match hd = list.hasDisplay(params.workingLanguages(), defLang, c.getDisplay(), false);
    if (!hd.found()) {
      String baseMsg =
          hd.difference() == Designations.Difference.NORMALIZED
              ? "Display_Name_WS_for__should_be_one_of__instead_of"
              : "Display_Name_for__should_be_one_of__instead_of";
      int dc = list.displayCount(params.workingLanguages(), null, true);
      String m;
      if (dc == 0) {
        severity = IssueSeverity.WARNING;
        baseMsg = "NO_VALID_DISPLAY_AT_ALL";
        m = TxMessages.format("NO_VALID_DISPLAY_AT_ALL", c.getDisplay(), prov.url(), c.getCode(), params.langSummary());
      } else {
        m = TxMessages.plural(
            dc,
            baseMsg,
            Integer.toString(dc),
            prov.url(),
            c.getCode(),
            list.present(params.workingLanguages(), true),
            c.getDisplay(),
            params.langSummary());
      }
      msg.accept(m);
      op.add(new TxIssue(severity, IssueType.INVALID, ValueSetChecker.addToPath(path, "display"), baseMsg, m, "invalid-display"));
    }
  }

  /** {@code "Display 2",Opisthorchis}: a value is quoted when it holds a space or a comma. */
  private static String quotedList(List<String> values) {
    return String.join(",", values.stream().map(v -> v.contains(" ") || v.contains(",") ? "\"" + v + "\"" : v).toList());
  }}
