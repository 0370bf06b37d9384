package org.psychcode.fhir.rules;

import java.util.List;
import java.util.Optional;

/**
 * {@code telehealth-mismatch}: the encounter's class ({@code VR} virtual, any other class in person), the
 * line's place of service (02/10 are telehealth, as the place-of-service CodeSystem marks them) and its
 * telehealth modifiers (95, 93, GT, FQ: the modifiers marked {@code telehealth}) tell different stories:
 * a virtual encounter billed at an office, a telehealth place or modifier on an in-person encounter, a
 * telehealth modifier on a line billed at an in-person place, an audio-only modifier (93, FQ) and an
 * audio-video one (95, GT) on one line (their {@code telehealth-modality}). Whether the code itself is on the
 * telehealth list is not part of this rule.
 */
final class TelehealthMismatchRule extends CodeBookRule {

  static final String ID = "telehealth-mismatch";

  TelehealthMismatchRule(CodeBook book) {
    super(ID, book);
  }

  @Override
  public void evaluate(VisitContext visit, Findings findings) {
    for (BilledLine line : visit.allLines()) {
      Optional<EncounterFacts> enc = line.resolvedEncounter();
      Modality modality = enc.map(EncounterFacts::modality).orElse(Modality.UNKNOWN);
      Optional<Coded> place = line.place();
      Optional<Boolean> placeTelehealth = place.flatMap(p -> book.placeIsTelehealth(p.code()));
      List<Coded> teleModifiers =
          line.modifiers().stream()
              .filter(m -> book.procedure(m.system(), m.code()).filter(c -> c.modifier() && c.telehealth().orElse(false)).isPresent())
              .toList();
      String label = Lines.capitalize(line.label());
      String classPath = enc.map(EncounterFacts::classPath).orElse(null);
      String klass = enc.map(EncounterFacts::classCode).orElse("");

      if (modality == Modality.VIRTUAL && placeTelehealth.equals(Optional.of(false))) {
        findings.add(
            ID,
            "The encounter was virtual (class VR), but "
                + line.label()
                + " is billed at place of service "
                + placeText(place.get())
                + ", an in-person place; a telehealth line is billed at "
                + String.join(" or ", book.telehealthPlaces())
                + ".",
            place.get().path(),
            classPath);
      } else if (modality == Modality.IN_PERSON && placeTelehealth.equals(Optional.of(true))) {
        findings.add(
            ID,
            "The encounter was in person (class "
                + klass
                + "), but "
                + line.label()
                + " is billed at telehealth place of service "
                + placeText(place.get())
                + ".",
            place.get().path(),
            classPath);
      } else if (modality == Modality.IN_PERSON && !teleModifiers.isEmpty()) {
        findings.add(
            ID,
            "The encounter was in person (class " + klass + "), but " + line.label() + " carries telehealth modifier " + teleModifiers.get(0).code() + ".",
            teleModifiers.get(0).path(),
            classPath);
      } else if (modalities(teleModifiers).size() > 1) {
        Coded audioOnly = withModality(teleModifiers, "audio-only");
        Coded audioVideo = withModality(teleModifiers, "audio-video");
        findings.add(
            ID,
            label
                + " carries modifier "
                + audioVideo.code()
                + " (audio and video) and modifier "
                + audioOnly.code()
                + " (audio only), which tell different stories of how the session took place.",
            teleModifiers.get(teleModifiers.size() - 1).path(),
            teleModifiers.get(0).path());
      } else if (modality == Modality.UNKNOWN && placeTelehealth.equals(Optional.of(false)) && !teleModifiers.isEmpty()) {
        findings.add(
            ID,
            label
                + " carries telehealth modifier "
                + teleModifiers.get(0).code()
                + " but is billed at in-person place of service "
                + placeText(place.get())
                + ".",
            teleModifiers.get(0).path(),
            place.get().path());
      }
    }
  }

  /** The {@code telehealth-modality} of the modifiers (audio-video for 95 and GT, audio-only for 93 and FQ). */
  private java.util.Set<String> modalities(List<Coded> modifiers) {
    java.util.Set<String> found = new java.util.TreeSet<>();
    for (Coded m : modifiers) {
      book.procedure(m.system(), m.code()).flatMap(BillingCode::telehealthModality).ifPresent(found::add);
    }
    return found;
  }

  private Coded withModality(List<Coded> modifiers, String modality) {
    return modifiers.stream()
        .filter(m -> book.procedure(m.system(), m.code()).flatMap(BillingCode::telehealthModality).filter(modality::equals).isPresent())
        .findFirst()
        .orElseThrow();
  }

  private String placeText(Coded place) {
    return place.code() + book.placeDisplay(place.code()).map(d -> " (" + d + ")").orElse("");
  }
}
