package dev.venice.plugins.confighistory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One entry of a store's configuration history: a successful store-config mutation.
 *
 * @param seq the history node's ZooKeeper data version written by the append that added this
 *     entry: 0 for the store's first entry, +1 per append; consecutive entries differ by 1, so a
 *     gap in a history is visible (a node deleted and created again starts from 0)
 * @param timeMs when the controller received the request, ms since the epoch (the controller's
 *     clock)
 * @param afterZxid the ZooKeeper transaction id (mzxid) of the history node this entry was
 *     appended to, 0 for the first: strictly increasing along a history, so entries are ordered by
 *     ZooKeeper and not by controller clocks
 * @param principal who asked ({@code anonymous} when unauthenticated)
 * @param address where the request came from, {@code host:port}
 * @param operation {@code CREATE_STORE}, {@code UPDATE_STORE} or {@code DELETE_STORE}
 * @param detail how much of the entry is kept (see {@link Detail})
 * @param changeCount how many fields changed (also when {@link Detail#COUNT_ONLY} drops the list)
 * @param changes the fields that changed, sorted by path; empty for a deletion
 * @param config the store's configuration after the mutation (JSON-shaped), or {@code null} for a
 *     deletion or when {@code detail} dropped it
 */
record HistoryEntry(long seq, long timeMs, long afterZxid, String principal, String address,
    String operation, Detail detail, int changeCount, List<Change> changes,
    Map<String, Object> config) {

  /** Validates and copies. */
  HistoryEntry {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(detail, "detail");
    changes = List.copyOf(changes);
  }

  /**
   * How much of an entry is stored. An entry is written with the most detail that fits in one
   * ZooKeeper node on its own; only a store with a configuration near 1 MB needs less.
   */
  enum Detail {
    /** Everything. */
    FULL("full"),
    /** Without the configuration snapshot. */
    NO_CONFIG("no-config"),
    /** Without the snapshot and without the changes' old and new values (paths and kinds kept). */
    NO_VALUES("no-values"),
    /** Only the number of changed fields. */
    COUNT_ONLY("count-only");

    final String code;

    Detail(String code) {
      this.code = code;
    }

    static Detail of(String code) {
      for (Detail d : values()) {
        if (d.code.equals(code)) {
          return d;
        }
      }
      throw new IllegalArgumentException("unknown history entry detail '" + code + "'");
    }
  }

  /** The entry with at most {@code less} detail. */
  HistoryEntry reduced(Detail less) {
    if (less.compareTo(detail) <= 0) {
      return this;
    }
    List<Change> kept = switch (less) {
      case FULL, NO_CONFIG -> changes;
      case NO_VALUES -> changes.stream().map(c -> new Change(c.path(), c.kind(), null, null))
          .toList();
      case COUNT_ONLY -> List.of();
    };
    return new HistoryEntry(seq, timeMs, afterZxid, principal, address, operation, less,
        changeCount, kept, null);
  }

  /** What happened to one field. */
  enum Kind {
    ADDED("a", "added"), REMOVED("r", "removed"), CHANGED("c", "changed");

    /** The one-letter code in the stored encoding. */
    final String code;
    /** The word the endpoint and the CLI show. */
    final String word;

    Kind(String code, String word) {
      this.code = code;
      this.word = word;
    }

    static Kind of(String code) {
      for (Kind k : values()) {
        if (k.code.equals(code)) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown change kind '" + code + "'");
    }
  }

  /**
   * One changed field.
   *
   * @param path the field's path from the store's top level, e.g. {@code [hybrid,
   *     rewindSeconds]} or {@code [pluginSettings, plugins.hedging.delay]}
   * @param kind whether it was added, removed or changed
   * @param oldValue its value before ({@code null} when added, or when values were dropped)
   * @param newValue its value after ({@code null} when removed, or when values were dropped)
   */
  record Change(List<String> path, Kind kind, Object oldValue, Object newValue) {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** Validates and copies. */
    Change {
      path = List.copyOf(path);
      Objects.requireNonNull(kind, "kind");
    }

    /**
     * The path as one string: segments joined by {@code .}, a segment that is not a plain name
     * quoted in brackets, e.g. {@code pluginSettings["plugins.hedging.delay"]}.
     */
    String field() {
      StringBuilder field = new StringBuilder();
      for (String segment : path) {
        if (PLAIN.matcher(segment).matches()) {
          field.append(field.length() == 0 ? "" : ".").append(segment);
        } else {
          field.append("[\"").append(segment.replace("\"", "\\\"")).append("\"]");
        }
      }
      return field.toString();
    }

    /** The path with one more segment. */
    static List<String> child(List<String> path, String key) {
      List<String> child = new ArrayList<>(path.size() + 1);
      child.addAll(path);
      child.add(key);
      return child;
    }
  }
}
