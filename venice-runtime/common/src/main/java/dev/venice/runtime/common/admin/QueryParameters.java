package dev.venice.runtime.common.admin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The query parameters of one admin request, parsed strictly and read with types. Every route
 * declares the parameters it accepts; the admin server refuses any other before the route runs.
 *
 * <p>Rules, the same on every route of every process: names are case-sensitive ({@code dryrun}
 * is not {@code dryRun}); a parameter may be given once; a boolean is exactly {@code true} or
 * {@code false}, lower case, and anything else, an empty value included, is a 400 naming the
 * parameter and the value; percent-encoding must be valid UTF-8 ({@code +} is a space).
 *
 * <p>Immutable and thread-safe.
 */
public final class QueryParameters {
  private static final QueryParameters NONE = new QueryParameters(Map.of());

  private final Map<String, List<String>> values;

  private QueryParameters(Map<String, List<String>> values) {
    this.values = values;
  }

  /**
   * Parses a raw (still percent-encoded) query string.
   *
   * @param rawQuery the part of the URI after {@code ?}, or {@code null} when there is none
   * @throws AdminHttpException 400 naming the parameter whose encoding is invalid
   */
  public static QueryParameters parse(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return NONE;
    }
    Map<String, List<String>> values = new TreeMap<>();
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String rawName = eq < 0 ? pair : pair.substring(0, eq);
      String name = PercentDecoding.decode(rawName, true, "query parameter name '" + rawName + "'");
      String value = eq < 0 ? "" : PercentDecoding.decode(pair.substring(eq + 1), true,
          "value of query parameter " + name);
      values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    values.replaceAll((name, list) -> List.copyOf(list));
    return new QueryParameters(Collections.unmodifiableMap(values));
  }

  /**
   * Refuses parameters outside {@code accepted}.
   *
   * @param route what the request was, for the message ({@code DELETE /stores/{store}})
   * @throws AdminHttpException 400 naming every unknown parameter and listing the accepted ones
   */
  public void checkOnly(Set<String> accepted, String route) {
    Set<String> unknown = new TreeSet<>(values.keySet());
    unknown.removeAll(accepted);
    if (!unknown.isEmpty()) {
      throw AdminHttpException.badRequest("unknown query parameter" + (unknown.size() > 1 ? "s "
          : " ") + String.join(", ", unknown) + " for " + route + "; accepted: "
          + (accepted.isEmpty() ? "none" : String.join(", ", new TreeSet<>(accepted))));
    }
  }

  /** Whether no parameter was given. */
  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** Every parameter with all its values, in name order (plugins' endpoints read these). */
  public Map<String, List<String>> asMap() {
    return values;
  }

  /**
   * A boolean parameter.
   *
   * @return {@code defaultValue} when absent
   * @throws AdminHttpException 400 when given twice or not exactly {@code true} or {@code false}
   */
  public boolean bool(String name, boolean defaultValue) {
    Optional<String> value = single(name);
    if (value.isEmpty()) {
      return defaultValue;
    }
    return switch (value.get()) {
      case "true" -> true;
      case "false" -> false;
      default -> throw AdminHttpException.badRequest("query parameter " + name + ": expected true"
          + " or false (lower case), got '" + abbreviate(value.get()) + "'");
    };
  }

  /**
   * A string parameter.
   *
   * @throws AdminHttpException 400 when given more than once
   */
  public Optional<String> single(String name) {
    List<String> given = values.get(name);
    if (given == null) {
      return Optional.empty();
    }
    if (given.size() > 1) {
      throw AdminHttpException.badRequest("query parameter " + name + " is given " + given.size()
          + " times; give it once");
    }
    return Optional.of(given.get(0));
  }

  /** {@code text}, cut to 80 characters for a message. */
  static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
