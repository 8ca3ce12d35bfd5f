package dev.venice.spi;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code major.minor.patch} version, with an optional pre-release or build suffix that is kept for
 * display but ignored when comparing ({@code 1.2.0-SNAPSHOT} compares equal to {@code 1.2.0}).
 * Missing minor and patch numbers count as zero, so {@code 1} and {@code 1.0.0} are equal.
 */
public final class SemanticVersion implements Comparable<SemanticVersion> {
  private static final Pattern FORMAT =
      Pattern.compile("(\\d{1,9})(?:\\.(\\d{1,9}))?(?:\\.(\\d{1,9}))?([-+][0-9A-Za-z.+-]*)?");

  private final int major;
  private final int minor;
  private final int patch;
  private final String text;

  private SemanticVersion(int major, int minor, int patch, String text) {
    this.major = major;
    this.minor = minor;
    this.patch = patch;
    this.text = text;
  }

  /**
   * Parses a version such as {@code 1}, {@code 1.4} or {@code 1.4.2-SNAPSHOT}.
   *
   * @throws IllegalArgumentException naming the text when it is not a version
   */
  public static SemanticVersion parse(String text) {
    Objects.requireNonNull(text, "version");
    Matcher m = FORMAT.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a version: expected major[.minor[.patch]][-qualifier], e.g. 1.0.0");
    }
    return new SemanticVersion(
        Integer.parseInt(m.group(1)),
        m.group(2) == null ? 0 : Integer.parseInt(m.group(2)),
        m.group(3) == null ? 0 : Integer.parseInt(m.group(3)),
        text.trim());
  }

  /** The major number: a change here breaks compatibility. */
  public int major() {
    return major;
  }

  /** The minor number: a change here adds API compatibly. */
  public int minor() {
    return minor;
  }

  /** The patch number. */
  public int patch() {
    return patch;
  }

  @Override
  public int compareTo(SemanticVersion other) {
    int c = Integer.compare(major, other.major);
    if (c == 0) {
      c = Integer.compare(minor, other.minor);
    }
    return c != 0 ? c : Integer.compare(patch, other.patch);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SemanticVersion v && compareTo(v) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(major, minor, patch);
  }

  /** The version as it was written. */
  @Override
  public String toString() {
    return text;
  }
}
