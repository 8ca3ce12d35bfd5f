package dev.venice.cli.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Single-get read latency per store, read from routers' Prometheus text ({@code /metrics}) and
 * ranked for {@code venice show-store-sla}. A router exports {@code venice.router.read.latency}
 * as a Micrometer timer with published percentiles, which Prometheus text carries as a summary:
 * {@code venice_router_read_latency_seconds{kind="get",store="users",quantile="0.99"} 0.0021}.
 *
 * <p>Minor naming variations are accepted rather than failed on (seed project 40): the name's
 * separators ({@code _ . :}), a unit suffix ({@code _seconds}, {@code _ms}, {@code _milliseconds},
 * or none, read as seconds), the kind's spelling ({@code get}, {@code single_get}, {@code
 * single-get}, {@code SINGLE_GET}, or no kind label at all) and the quantile's ({@code 0.99},
 * {@code 0.990}). Other lines are ignored. Several routers are combined per store by taking each
 * percentile's worst value: percentiles of different routers cannot be merged exactly, and an
 * operator wants the store's worst view.
 */
final class StoreLatencies {
  /** One store's single-get latency percentiles, in milliseconds. */
  record Latency(String store, double p50, double p99, double p999) {}

  /** How a store's p99 compares with the threshold. */
  enum Status {
    /** p99 below 80% of the threshold. */
    OK("🟢"),
    /** p99 from 80% of the threshold up to it. */
    WARN("🟡"),
    /** p99 over the threshold. */
    OVER("🔴");

    final String marker;

    Status(String marker) {
      this.marker = marker;
    }

    static Status of(double p99Ms, double thresholdMs) {
      return p99Ms > thresholdMs ? OVER : p99Ms >= 0.8 * thresholdMs ? WARN : OK;
    }
  }

  private static final Pattern SAMPLE = Pattern.compile(
      "^venice[_.:]router[_.:]read[_.:]latency(_seconds|_ms|_milliseconds)?\\{([^}]*)\\}\\s+(\\S+)");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private StoreLatencies() {}

  /**
   * The single-get percentiles per store in one router's Prometheus text; stores without all
   * three percentiles are left out.
   */
  static Map<String, Latency> parse(String prometheusText) {
    Map<String, double[]> byStore = new HashMap<>();
    for (String line : prometheusText.split("\n")) {
      Matcher sample = SAMPLE.matcher(line.trim());
      if (!sample.find()) {
        continue;
      }
      Map<String, String> labels = new HashMap<>();
      Matcher label = LABEL.matcher(sample.group(2));
      while (label.find()) {
        labels.put(label.group(1), label.group(2));
      }
      String store = labels.get("store");
      String quantile = labels.get("quantile");
      if (store == null || quantile == null || !isSingleGet(labels.get("kind"))) {
        continue;
      }
      int index = switch (quantile(quantile)) {
        case "0.5" -> 0;
        case "0.99" -> 1;
        case "0.999" -> 2;
        default -> -1;
      };
      double value;
      try {
        value = Double.parseDouble(sample.group(3));
      } catch (NumberFormatException e) {
        continue;
      }
      if (index < 0 || Double.isNaN(value)) {
        continue;
      }
      double millis = sample.group(1) == null || sample.group(1).equals("_seconds")
          ? value * 1000 : value;
      byStore.computeIfAbsent(store, s -> new double[] {Double.NaN, Double.NaN, Double.NaN})
          [index] = millis;
    }
    Map<String, Latency> latencies = new LinkedHashMap<>();
    byStore.forEach((store, p) -> {
      if (!Double.isNaN(p[0]) && !Double.isNaN(p[1]) && !Double.isNaN(p[2])) {
        latencies.put(store, new Latency(store, p[0], p[1], p[2]));
      }
    });
    return latencies;
  }

  /** Combines routers: per store, each percentile's worst value. */
  static Map<String, Latency> worstOf(List<Map<String, Latency>> routers) {
    Map<String, Latency> worst = new HashMap<>();
    for (Map<String, Latency> router : routers) {
      router.forEach((store, l) -> worst.merge(store, l, (a, b) -> new Latency(store,
          Math.max(a.p50(), b.p50()), Math.max(a.p99(), b.p99()), Math.max(a.p999(), b.p999()))));
    }
    return worst;
  }

  /** Stores by p99, worst first (ties by name), at most {@code top}. */
  static List<Latency> rank(Map<String, Latency> latencies, int top) {
    List<Latency> ranked = new ArrayList<>(latencies.values());
    ranked.sort(Comparator.comparingDouble(Latency::p99).reversed()
        .thenComparing(Latency::store));
    return ranked.subList(0, Math.min(top, ranked.size()));
  }

  private static boolean isSingleGet(String kind) {
    if (kind == null) {
      return true;
    }
    String k = kind.toLowerCase(Locale.ROOT).replace('-', '_');
    return k.equals("get") || k.equals("single_get");
  }

  private static String quantile(String raw) {
    try {
      return Double.toString(Double.parseDouble(raw)).replaceAll("0+$", "").replaceAll("\\.$", "");
    } catch (NumberFormatException e) {
      return raw;
    }
  }
}
