package org.psychcode.fhir.pages;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Charts drawn by the server as inline SVG: no script, no library, nothing fetched. Each chart is an image with a
 * title and a description (its accessible name), writes every value as text beside its bar, and tells its series
 * apart by pattern and label as well as colour (solid for the practitioner, hatched for the peers), so it reads in
 * grey, in print and to a screen reader; the pages put the same numbers in a table under each chart.
 */
final class SvgCharts {

  /** One bar: its label, its value and how the value is written. */
  record Bar(String label, double value, String text) {}

  /** One row of a paired chart: the practitioner's value and the peers' (null when there are none). */
  record Pair(String label, double own, String ownText, Double peer, String peerText) {}

  private static final String INK = "#1b1f24";
  private static final String MUTED = "#4a5560";
  private static final String BAR = "#0b5cad";
  private static final AtomicLong IDS = new AtomicLong();

  private SvgCharts() {}

  /** Horizontal bars, one a row, the value written after each. */
  static String bars(String title, String description, List<Bar> bars) {
    int labelWidth = 230;
    int plot = 360;
    int row = 26;
    int height = 16 + bars.size() * row;
    double max = bars.stream().mapToDouble(Bar::value).max().orElse(0);
    StringBuilder svg = open(title, description, labelWidth + plot + 80, height);
    for (int i = 0; i < bars.size(); i++) {
      Bar b = bars.get(i);
      int y = 8 + i * row;
      double w = max <= 0 ? 0 : b.value() / max * plot;
      svg.append(text(labelWidth - 8, y + 15, "end", 13, INK, b.label()));
      svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"18\" fill=\"%s\"/>", labelWidth, y + 2, w, BAR));
      svg.append(text((int) (labelWidth + w + 6), y + 15, "start", 13, INK, b.text()));
    }
    return close(svg);
  }

  /** Two bars a row: the practitioner's (solid) above the peers' (hatched), each value written after it, with a legend. */
  static String pairs(String title, String description, String ownName, String peerName, List<Pair> rows) {
    int labelWidth = 230;
    int plot = 340;
    int row = 44;
    int top = 30;
    int height = top + 8 + rows.size() * row;
    double max = 0;
    for (Pair p : rows) {
      max = Math.max(max, Math.max(p.own(), p.peer() == null ? 0 : p.peer()));
    }
    StringBuilder svg = open(title, description, labelWidth + plot + 110, height);
    String hatch = "hatch" + IDS.incrementAndGet();
    svg.append("<defs><pattern id=\"").append(hatch).append("\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">")
        .append("<rect width=\"6\" height=\"6\" fill=\"#fff\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"").append(MUTED)
        .append("\" stroke-width=\"3\"/></pattern></defs>");
    svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"6\" width=\"16\" height=\"12\" fill=\"%s\"/>", labelWidth, BAR));
    svg.append(text(labelWidth + 22, 16, "start", 12, INK, ownName));
    svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"6\" width=\"16\" height=\"12\" fill=\"url(#%s)\" stroke=\"%s\"/>", labelWidth + 150, hatch, MUTED));
    svg.append(text(labelWidth + 172, 16, "start", 12, INK, peerName));
    for (int i = 0; i < rows.size(); i++) {
      Pair p = rows.get(i);
      int y = top + i * row;
      svg.append(text(labelWidth - 8, y + 24, "end", 13, INK, p.label()));
      double w = max <= 0 ? 0 : p.own() / max * plot;
      svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"%s\"/>", labelWidth, y + 4, w, BAR));
      svg.append(text((int) (labelWidth + w + 6), y + 16, "start", 12, INK, p.ownText()));
      if (p.peer() != null) {
        double pw = p.peer() / max * plot;
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"url(#%s)\" stroke=\"%s\"/>", labelWidth, y + 22, pw, hatch, MUTED));
        svg.append(text((int) (labelWidth + pw + 6), y + 34, "start", 12, INK, p.peerText()));
      } else {
        svg.append(text(labelWidth + 4, y + 34, "start", 12, MUTED, "no peer figure"));
      }
    }
    return close(svg);
  }

  /**
   * Sessions by whole minutes: one column a minute from {@code from} to {@code to}, each count written above its
   * column, and each boundary a dashed line labelled with its minute and the code that starts there.
   */
  static String histogram(String title, String description, Map<Integer, Integer> byMinute, int from, int to, Map<Integer, String> boundaries) {
    int left = 40;
    int bottom = 40;
    int top = 34;
    int plotHeight = 150;
    int minutes = to - from + 1;
    double col = Math.max(6, Math.min(16, 620.0 / minutes));
    int width = (int) (left + minutes * col + 20);
    int max = byMinute.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    StringBuilder svg = open(title, description, width, top + plotHeight + bottom);
    int base = top + plotHeight;
    svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\"/>", left, base, width - 10, base, MUTED));
    for (int m = from; m <= to; m++) {
      int n = byMinute.getOrDefault(m, 0);
      double x = left + (m - from) * col;
      if (n > 0) {
        double h = max == 0 ? 0 : (double) n / max * (plotHeight - 14);
        svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>", x + 1, base - h, col - 2, h, BAR));
        svg.append(text((int) (x + col / 2), (int) (base - h - 3), "middle", 10, INK, Integer.toString(n)));
      }
      if (m % 5 == 0) {
        svg.append(text((int) (x + col / 2), base + 14, "middle", 10, MUTED, Integer.toString(m)));
      }
    }
    for (Map.Entry<Integer, String> b : boundaries.entrySet()) {
      if (b.getKey() < from || b.getKey() > to) {
        continue;
      }
      double x = left + (b.getKey() - from) * col;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>", x, top - 14, x, base, INK));
      svg.append(text((int) x + 3, top - 18, "start", 11, INK, b.getValue()));
    }
    svg.append(text(left + (int) (minutes * col / 2), base + 32, "middle", 11, MUTED, "minutes"));
    return close(svg);
  }

  /** Vertical columns (months), each value written above its column and its label below. */
  static String columns(String title, String description, List<Bar> bars) {
    int left = 20;
    int top = 22;
    int plotHeight = 150;
    double col = Math.max(34, Math.min(70, 640.0 / Math.max(1, bars.size())));
    int width = (int) (left * 2 + bars.size() * col);
    double max = bars.stream().mapToDouble(Bar::value).max().orElse(0);
    StringBuilder svg = open(title, description, width, top + plotHeight + 40);
    int base = top + plotHeight;
    svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\"/>", left, base, width - left, base, MUTED));
    for (int i = 0; i < bars.size(); i++) {
      Bar b = bars.get(i);
      double x = left + i * col;
      double h = max <= 0 ? 0 : b.value() / max * (plotHeight - 14);
      svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>", x + 4, base - h, col - 8, h, BAR));
      svg.append(text((int) (x + col / 2), (int) (base - h - 4), "middle", 11, INK, b.text()));
      svg.append(text((int) (x + col / 2), base + 16, "middle", 11, MUTED, b.label()));
    }
    return close(svg);
  }

  private static StringBuilder open(String title, String description, int width, int height) {
    long id = IDS.incrementAndGet();
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\"", width, height, width, height))
        .append(" role=\"img\" aria-labelledby=\"chart-t").append(id).append(" chart-d").append(id).append("\" font-family=\"system-ui, sans-serif\">")
        .append("<title id=\"chart-t").append(id).append("\">").append(escape(title)).append("</title>")
        .append("<desc id=\"chart-d").append(id).append("\">").append(escape(description)).append("</desc>")
        .append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>", width, height));
    return svg;
  }

  private static String close(StringBuilder svg) {
    return svg.append("</svg>").toString();
  }

  private static String text(int x, int y, String anchor, int size, String fill, String value) {
    return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" font-size=\"%d\" fill=\"%s\">", x, y, anchor, size, fill) + escape(value) + "</text>";
  }

  static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
