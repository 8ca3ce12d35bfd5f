package dev.venice.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Text rendering shared by {@code show-leader-distribution} and {@code show-assignment}: ASCII
 * bars, imbalance scores and lists cut to a limit.
 */
final class ReplicaTables {
  /** The widest bar, in characters, drawn for the largest value. */
  static final int BAR_WIDTH = 40;

  private ReplicaTables() {}

  /**
   * A bar of {@code leaders} '#' then {@code followers} '=', scaled so that {@code max} fills
   * {@link #BAR_WIDTH}; a non-zero count always shows at least one character.
   */
  static String bar(int leaders, int followers, int max) {
    return scaled('#', leaders, max) + scaled('=', followers, max);
  }

  private static String scaled(char c, int count, int max) {
    if (count <= 0 || max <= 0) {
      return "";
    }
    return String.valueOf(c).repeat(Math.max(1, (int) Math.round((double) count * BAR_WIDTH
        / max)));
  }

  /** An imbalance object ({@code score}, {@code stddev}, {@code mean}) as one phrase. */
  static String imbalance(JsonNode imbalance) {
    return String.format(Locale.ROOT, "%.3f (stddev %.2f / mean %.2f over %d live server(s))",
        imbalance.path("score").asDouble(), imbalance.path("stddev").asDouble(),
        imbalance.path("mean").asDouble(), imbalance.path("servers").asInt());
  }

  /** The first {@code limit} items of a JSON array, comma-separated, with how many were left. */
  static String limited(JsonNode items, int limit) {
    List<String> shown = new ArrayList<>();
    for (int i = 0; i < Math.min(limit, items.size()); i++) {
      shown.add(items.get(i).asText());
    }
    String text = shown.isEmpty() ? "-" : String.join(", ", shown);
    return items.size() > limit ? text + " (+" + (items.size() - limit) + " more)" : text;
  }
}
