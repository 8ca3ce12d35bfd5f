package dev.venice.spi;

import java.util.Objects;

/**
 * A range of versions in Maven's interval notation: {@code [1.0,2.0)} means at least 1.0 and below
 * 2.0; {@code [1.2,)} has no upper bound; {@code [1.0.0]} is exactly one version. A bare version
 * such as {@code 1.3} means "1.3 or any later version with the same major number" — the semantic
 * versioning promise — i.e. {@code [1.3,2)}.
 */
public final class VersionRange {
  private final SemanticVersion lower;
  private final boolean lowerInclusive;
  private final SemanticVersion upper;
  private final boolean upperInclusive;
  private final String text;

  private VersionRange(
      SemanticVersion lower,
      boolean lowerInclusive,
      SemanticVersion upper,
      boolean upperInclusive,
      String text) {
    this.lower = lower;
    this.lowerInclusive = lowerInclusive;
    this.upper = upper;
    this.upperInclusive = upperInclusive;
    this.text = text;
  }

  /**
   * Parses a range such as {@code [1.0,2.0)}, {@code (1.0,]}, {@code [1.0.0]} or {@code 1.3}.
   *
   * @throws IllegalArgumentException naming the text and the accepted forms when it is malformed
   */
  public static VersionRange parse(String text) {
    Objects.requireNonNull(text, "version range");
    String t = text.trim();
    try {
      if (t.isEmpty()) {
        throw new IllegalArgumentException("empty");
      }
      char open = t.charAt(0);
      if (open != '[' && open != '(') {
        SemanticVersion v = SemanticVersion.parse(t);
        return new VersionRange(
            v, true, SemanticVersion.parse(Integer.toString(v.major() + 1)), false, t);
      }
      char close = t.charAt(t.length() - 1);
      if (t.length() < 3 || (close != ']' && close != ')')) {
        throw new IllegalArgumentException("unbalanced brackets");
      }
      String body = t.substring(1, t.length() - 1);
      int comma = body.indexOf(',');
      if (comma < 0) {
        if (open != '[' || close != ']') {
          throw new IllegalArgumentException("an exact version is written [x.y.z]");
        }
        SemanticVersion v = SemanticVersion.parse(body);
        return new VersionRange(v, true, v, true, t);
      }
      String lo = body.substring(0, comma).trim();
      String hi = body.substring(comma + 1).trim();
      SemanticVersion lower = lo.isEmpty() ? null : SemanticVersion.parse(lo);
      SemanticVersion upper = hi.isEmpty() ? null : SemanticVersion.parse(hi);
      if (lower != null && upper != null && lower.compareTo(upper) > 0) {
        throw new IllegalArgumentException("lower bound above upper bound");
      }
      return new VersionRange(lower, open == '[', upper, close == ']', t);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a version range (" + e.getMessage()
              + "): expected e.g. [1.0,2.0), [1.2,), [1.0.0] or 1.3",
          e);
    }
  }

  /** Whether {@code version} lies in this range. */
  public boolean contains(SemanticVersion version) {
    if (lower != null) {
      int c = version.compareTo(lower);
      if (c < 0 || (c == 0 && !lowerInclusive)) {
        return false;
      }
    }
    if (upper != null) {
      int c = version.compareTo(upper);
      return c < 0 || (c == 0 && upperInclusive);
    }
    return true;
  }

  /** The range as it was written. */
  @Override
  public String toString() {
    return text;
  }
}
