package org.psychcode.fhir.pages;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds codes by code or by words, forgiving a typo: each word of the query must match a word of the code's
 * names, display or session type (exactly, as a prefix, or within one or two edits), or failing that of its
 * purpose, indication or summary; a name match counts more. When no code matches every word, codes matching any
 * are offered. Fifty-six codes: a scan is microseconds, no index needed.
 */
final class CodeSearch {

  private static final Pattern SPLIT = Pattern.compile("[^a-z0-9]+");
  private static final Pattern CODE = Pattern.compile("[0-9A-Z]{1,5}");
  private static final Set<String> STOP = Set.of("a", "an", "and", "the", "of", "for", "with", "in", "to", "per", "or", "by", "at", "on");

  private record Indexed(CodeEntry entry, Set<String> names, Set<String> text, List<String> phrases) {}

  private final List<Indexed> indexed;

  CodeSearch(List<CodeEntry> entries) {
    List<Indexed> list = new ArrayList<>();
    for (CodeEntry e : entries) {
      Set<String> names = words(e.display() + " " + String.join(" ", e.names()) + " " + e.sessionTypeTitle().orElse("") + " " + e.sessionType().orElse(""));
      Set<String> text = words(e.searchText());
      text.removeAll(names);
      List<String> phrases = new ArrayList<>();
      phrases.add(phrase(e.display()));
      e.names().forEach(n -> phrases.add(phrase(n)));
      list.add(new Indexed(e, names, text, phrases));
    }
    this.indexed = List.copyOf(list);
  }

  List<CodeEntry> find(String query, String sessionType) {
    String q = query.trim();
    List<Indexed> pool = indexed.stream().filter(i -> sessionType == null || i.entry().sessionType().filter(sessionType::equals).isPresent()).toList();
    if (q.isEmpty()) {
      return pool.stream().map(Indexed::entry).toList();
    }
    String upper = q.toUpperCase(Locale.ROOT);
    if (CODE.matcher(upper).matches() && upper.chars().anyMatch(Character::isDigit)) {
      return pool.stream().map(Indexed::entry).filter(e -> e.id().startsWith(upper)).toList();
    }
    List<String> words = new ArrayList<>(words(q));
    if (words.isEmpty()) {
      return List.of();
    }
    List<Scored> all = new ArrayList<>();
    List<Scored> any = new ArrayList<>();
    String asked = phrase(q);
    for (Indexed i : pool) {
      // the query as a whole is one of the code's names ("group therapy"), or begins one: that code first
      int total = i.phrases().contains(asked) ? 50 : i.phrases().stream().anyMatch(p -> p.startsWith(asked + " ")) ? 20 : 0;
      int matched = 0;
      for (String w : words) {
        int s = Math.max(score(w, i.names(), 10), score(w, i.text(), 3));
        total += s;
        matched += s > 0 ? 1 : 0;
      }
      if (matched == words.size()) {
        all.add(new Scored(i.entry(), total));
      } else if (matched > 0) {
        any.add(new Scored(i.entry(), total));
      }
    }
    List<Scored> found = all.isEmpty() ? any : all;
    found.sort(Comparator.comparingInt(Scored::score).reversed().thenComparing(s -> s.entry().id()));
    return found.stream().map(Scored::entry).toList();
  }

  /** Codes a digit or two from an unknown code, nearest first; for words, what {@link #find} finds. */
  List<CodeEntry> closeTo(String code) {
    String upper = code.trim().toUpperCase(Locale.ROOT);
    if (!CODE.matcher(upper).matches()) {
      return find(code, null).stream().limit(6).toList();
    }
    List<Scored> near = new ArrayList<>();
    for (Indexed i : indexed) {
      String id = i.entry().id();
      int d = id.startsWith(upper) ? 0 : distance(upper, id);
      if (d <= 2) {
        near.add(new Scored(i.entry(), d));
      }
    }
    near.sort(Comparator.comparingInt(Scored::score).thenComparing(s -> s.entry().id()));
    return near.stream().limit(8).map(Scored::entry).toList();
  }

  private record Scored(CodeEntry entry, int score) {}

  /** {@code weight} for an exact word, less for a prefix (three letters or more) or a word an edit or two away. */
  private static int score(String word, Set<String> words, int weight) {
    if (words.contains(word)) {
      return weight;
    }
    int best = 0;
    for (String w : words) {
      if (word.length() >= 3 && w.startsWith(word)) {
        best = Math.max(best, weight * 7 / 10);
      } else if (word.length() >= 4 && Math.abs(w.length() - word.length()) <= 2) {
        int allowed = word.length() >= 8 ? 2 : 1;
        if (distance(word, w) <= allowed) {
          best = Math.max(best, weight / 2);
        }
      }
    }
    return best;
  }

  /** Lower case, words separated by single spaces: "Family therapy, identified patient" becomes "family therapy identified patient". */
  private static String phrase(String text) {
    return String.join(" ", SPLIT.split(text.toLowerCase(Locale.ROOT))).trim();
  }

  static Set<String> words(String text) {
    Set<String> out = new HashSet<>();
    for (String w : SPLIT.split(text.toLowerCase(Locale.ROOT))) {
      if (!w.isEmpty() && !STOP.contains(w)) {
        out.add(w);
      }
    }
    return out;
  }

  /** Edits between two words (insert, delete, substitute, swap two neighbours). */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
