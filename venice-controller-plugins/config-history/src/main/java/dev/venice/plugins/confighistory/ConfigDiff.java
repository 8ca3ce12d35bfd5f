package dev.venice.plugins.confighistory;

import dev.venice.plugins.confighistory.HistoryEntry.Change;
import dev.venice.plugins.confighistory.HistoryEntry.Kind;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The field-level difference of two JSON-shaped configurations (maps of strings, numbers,
 * booleans, {@code null}, lists and maps): only what changed. Maps are compared key by key at any
 * depth, so one plugin setting or one hybrid field that changed is one {@link Change}; a map that
 * appears or disappears (a hybrid config set or removed) shows each of its keys added or removed.
 * Lists and scalars are compared as whole values; numbers by value ({@code 1} equals {@code 1L}
 * and {@code 1.0}). A field absent and a field set to {@code null} are the same (not set): a
 * field going from {@code null} to a value is added, from a value to {@code null} removed.
 * Stateless.
 */
final class ConfigDiff {
  private ConfigDiff() {}

  /**
   * The changes from {@code before} to {@code after}, sorted by path (keys in natural order,
   * depth first).
   */
  static List<Change> diff(Map<String, ?> before, Map<String, ?> after) {
    List<Change> changes = new ArrayList<>();
    diff(List.of(), before, after, changes);
    return changes;
  }

  private static void diff(List<String> path, Map<?, ?> before, Map<?, ?> after,
      List<Change> out) {
    TreeSet<String> keys = new TreeSet<>();
    before.keySet().forEach(k -> keys.add(String.valueOf(k)));
    after.keySet().forEach(k -> keys.add(String.valueOf(k)));
    for (String key : keys) {
      List<String> at = Change.child(path, key);
      Object old = before.get(key);
      Object now = after.get(key);
      if (old == null && now == null) {
        continue; // absent and null are the same: not set
      }
      if ((old instanceof Map || now instanceof Map) && isMapOrNull(old) && isMapOrNull(now)) {
        diff(at, old == null ? Map.of() : (Map<?, ?>) old, now == null ? Map.of() : (Map<?, ?>) now,
            out);
      } else if (old == null) {
        out.add(new Change(at, Kind.ADDED, null, now));
      } else if (now == null) {
        out.add(new Change(at, Kind.REMOVED, old, null));
      } else if (!same(old, now)) {
        out.add(new Change(at, Kind.CHANGED, old, now));
      }
    }
  }

  private static boolean isMapOrNull(Object value) {
    return value == null || value instanceof Map;
  }

  /** Equality of JSON values, numbers by value. */
  static boolean same(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      try {
        return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0;
      } catch (NumberFormatException e) { // NaN or infinity
        return x.toString().equals(y.toString());
      }
    }
    return Objects.equals(a, b);
  }
}
