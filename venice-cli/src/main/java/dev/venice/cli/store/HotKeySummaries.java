package dev.venice.cli.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges the Space-Saving summaries the hot-keys server plugin serves ({@code GET
 * /plugins/hot-keys/top}), the CLI's own copy of the rule (the CLI carries no server plugin).
 *
 * <p>The rule for mergeable summaries (Agarwal, Cormode, Huang, Phillips, Wei and Yi, "Mergeable
 * summaries", PODS 2012), for summaries of disjoint streams (the replicas of one partition each
 * serve a share of its reads): for every key listed by any summary, its merged count and merged
 * error are the sums over the summaries of its count and error where it is listed, and of the
 * summary's {@code minCount} where it is not (a key absent from a full summary was requested there
 * at most {@code minCount} times, possibly that often; {@code minCount} is 0 for a summary that
 * is not full, whose absent keys were never requested). So {@code count - error <= true <= count}
 * holds for the merged entries as for each summary, and a naive sum of the listed counts would not
 * be an upper bound. Summaries must be whole (not cut to their top entries): a listed key is only
 * known absent from a summary that lists all its counters.
 *
 * <p>Stateless and thread-safe.
 */
public final class HotKeySummaries {
  private HotKeySummaries() {}

  /**
   * One counted key.
   *
   * @param key the serialized key, base64
   * @param count the estimated requests, an upper bound of the true number
   * @param error how much {@code count} may overestimate
   */
  public record Entry(String key, long count, long error) {}

  /**
   * One summary: a replica's, or the merge of several.
   *
   * @param total the requests the summary counted
   * @param minCount what a key it does not list may have been requested, at most (0 when not full)
   * @param entries the listed keys, by decreasing count
   */
  public record Summary(long total, long minCount, List<Entry> entries) {
    /** Copies the entries. */
    public Summary {
      entries = List.copyOf(entries);
    }
  }

  /**
   * Merges summaries of disjoint streams of the same keys (the replicas of one partition) with the
   * mergeable-summaries rule; the merged {@code minCount} is the sum of theirs.
   *
   * @param summaries whole summaries, at least one
   * @return the merged summary, entries by decreasing count (ties by key)
   */
  public static Summary merge(List<Summary> summaries) {
    if (summaries.isEmpty()) {
      throw new IllegalArgumentException("no summary to merge");
    }
    Map<String, long[]> merged = new LinkedHashMap<>();
    long total = 0;
    long minSum = 0;
    for (Summary s : summaries) {
      total += s.total();
      minSum += s.minCount();
      for (Entry e : s.entries()) {
        merged.computeIfAbsent(e.key(), k -> new long[2]);
      }
    }
    for (Summary s : summaries) {
      Map<String, Entry> byKey = new HashMap<>();
      s.entries().forEach(e -> byKey.put(e.key(), e));
      for (Map.Entry<String, long[]> m : merged.entrySet()) {
        Entry listed = byKey.get(m.getKey());
        m.getValue()[0] += listed == null ? s.minCount() : listed.count();
        m.getValue()[1] += listed == null ? s.minCount() : listed.error();
      }
    }
    List<Entry> entries = new ArrayList<>(merged.size());
    merged.forEach((k, v) -> entries.add(new Entry(k, v[0], v[1])));
    return new Summary(total, minSum, sorted(entries));
  }

  /**
   * Lists together the summaries of streams of disjoint keys (the merged partitions of a store: a
   * key belongs to one partition), so no count is added for keys a summary does not list.
   *
   * @return the totals summed, the largest {@code minCount}, the entries by decreasing count
   */
  public static Summary union(List<Summary> summaries) {
    List<Entry> entries = new ArrayList<>();
    long total = 0;
    long min = 0;
    for (Summary s : summaries) {
      total += s.total();
      min = Math.max(min, s.minCount());
      entries.addAll(s.entries());
    }
    return new Summary(total, min, sorted(entries));
  }

  private static List<Entry> sorted(List<Entry> entries) {
    entries.sort(Comparator.comparingLong(Entry::count).reversed().thenComparing(Entry::key));
    return entries;
  }
}
