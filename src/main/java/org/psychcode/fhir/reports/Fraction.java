package org.psychcode.fhir.reports;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * A share as the counts it comes from ({@code 40 of 50}), compared exactly (no two shares that are equal compare
 * unequal through rounding) and rounded only when written out.
 */
record Fraction(long part, long whole) implements Comparable<Fraction> {

  static final MathContext PRECISION = new MathContext(24, RoundingMode.HALF_EVEN);

  boolean defined() {
    return whole > 0;
  }

  BigDecimal exact() {
    return BigDecimal.valueOf(part).divide(BigDecimal.valueOf(whole), PRECISION);
  }

  /** The share rounded to 4 decimal places, as the profile answers it. */
  BigDecimal rounded() {
    return BigDecimal.valueOf(part).divide(BigDecimal.valueOf(whole), 4, RoundingMode.HALF_UP);
  }

  @Override
  public int compareTo(Fraction o) {
    return Long.compare(part * o.whole, o.part * whole);
  }

  /** "80%", "41.7%": a percentage with at most one decimal. */
  String percent() {
    return percent(exact());
  }

  static String percent(BigDecimal share) {
    BigDecimal p = share.multiply(BigDecimal.valueOf(100)).setScale(1, RoundingMode.HALF_UP).stripTrailingZeros();
    return p.toPlainString() + "%";
  }
}
