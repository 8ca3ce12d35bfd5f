package dev.venice.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.store.ServerFanOut.Answer;
import dev.venice.runtime.common.controller.ControllerClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code venice show-ingestion-breakdown}: asks every server the controller lists ({@code GET
 * /cluster}, members of kind {@code server} with their admin URLs) for the
 * ingestion-stage-metrics plugin's breakdown of a store ({@code GET
 * /plugins/ingestion-stage-metrics/breakdown?store=S}), at most {@link ServerFanOut#PARALLELISM} servers at a
 * time, each within {@code --timeout}; names the servers that did not answer instead of failing;
 * merges the others per stage and prints the stages sorted by mean contribution.
 *
 * <p>Merging, per stage over the servers' last one to two windows: counts, records/s and totals
 * add; the mean is the count-weighted mean of the servers' means (exact: it is total time over
 * total records); p50 is the count-weighted mean of the servers' p50s (an approximation, the
 * servers do not export their histograms); p99 is the largest server p99 (an upper bound of the
 * merged p99). A stage's <em>contribution</em> is its time over the windows divided by the records
 * {@code APPLY} counted there (every replica's applied records): the nanoseconds the stage adds
 * per applied record, equal to its mean times its share of records. When no server has records in
 * its windows, the totals since each server first saw the store are used instead ({@code basis}
 * {@code total}). {@code CONSUME} (the wait in Kafka before ingestion, not work) is listed after
 * the sorted stages; stages never measured (always {@code WRITE_COMPUTE}) last, as "not used".
 */
@Command(name = "show-ingestion-breakdown", mixinStandardHelpOptions = true,
    description = "Show where a store's ingestion time goes: per stage (decode, schema validation,"
        + " write compute, hooks, RocksDB apply, leader produce) the mean, p50, p99 and"
        + " records/s of every server's ingestion-stage-metrics plugin, merged, sorted by mean"
        + " contribution per applied record. Needs plugins.ingestion-stage-metrics.enabled=true"
        + " on the servers. Servers that do not answer are named; the others are merged. Exit"
        + " status: 0 shown, 1 the store does not exist or no server answered, 2 usage error.",
    footer = {"", "contribution = the stage's time / records applied (= mean x share of records);"
        + " p50 is the count-weighted mean of the servers' p50s, p99 the largest server p99."
        + " Numbers cover each server's last one to two windows (plugins.ingestion-stage-metrics"
        + ".window, default 30s).", "",
        "Examples:",
        "  venice show-ingestion-breakdown --store users",
        "  venice show-ingestion-breakdown --store users --json",
        "  venice show-ingestion-breakdown --store users --controller http://controller:5555"
            + " --timeout 2s"})
public final class ShowIngestionBreakdownCommand extends StoreCommand.Base {
  /** The most servers asked at once. */
  private static final String PATH = "/plugins/ingestion-stage-metrics/breakdown?store=";
  private static final String CONSUME = "CONSUME";
  private static final String APPLY = "APPLY";

  @Option(names = {"-s", "--store"}, required = true, description = {"Store name.",
      "Example: --store users"})
  String store;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s",
      converter = ServerFanOut.ServerTimeout.class,
      description = {"How long each server may take to answer (default ${DEFAULT-VALUE}).",
          "Example: --timeout 10s"})
  Duration timeout;

  /** One server's answer: its JSON, or why there is none. */

  /** One stage merged over the servers. */
  private static final class Merged {
    final String stage;
    boolean used;
    String note;
    long count;
    double windowNanos;
    double p50Weighted;
    double p99 = Double.NaN;
    double recordsPerSecond;
    long totalCount;
    long totalNanos;
    final TreeSet<String> servers = new TreeSet<>();

    Merged(String stage) {
      this.stage = stage;
    }

    void add(String instance, JsonNode s) {
      if (!s.path("used").asBoolean()) {
        if (s.hasNonNull("note")) {
          note = s.path("note").asText();
        }
        return;
      }
      used = true;
      servers.add(instance);
      long c = s.path("count").asLong();
      count += c;
      if (c > 0) {
        windowNanos += s.path("meanNanos").asDouble() * c;
        p50Weighted += s.path("p50Nanos").asDouble() * c;
        double p = s.path("p99Nanos").asDouble();
        p99 = Double.isNaN(p99) ? p : Math.max(p99, p);
      }
      recordsPerSecond += s.path("recordsPerSecond").asDouble();
      totalCount += s.path("totalCount").asLong();
      totalNanos += s.path("totalNanos").asLong();
    }
  }

  @Override
  public Integer call() throws Exception {
    ControllerClient admin = admin();
    existingStore(admin, store);
    ServerFanOut.Answers answers = ServerFanOut.askEveryServer(admin, options.controllerUrl(),
        store, PATH + URLEncoder.encode(store, StandardCharsets.UTF_8), "ingestion-stage-metrics",
        timeout);
    List<Answer> answered = answers.answered();
    List<Map<String, String>> notAnswered = answers.notAnswering();
    Map<String, Merged> merged = new LinkedHashMap<>();
    double windowSeconds = 0;
    for (Answer a : answered) {
      windowSeconds = Math.max(windowSeconds, a.body().path("windowSeconds").asDouble());
      for (JsonNode st : a.body().path("stores")) {
        if (!st.path("store").asText().equals(store)) {
          continue;
        }
        for (JsonNode s : st.path("stages")) {
          String name = s.path("stage").asText();
          merged.computeIfAbsent(name, Merged::new).add(a.instance(), s);
        }
      }
    }
    Merged apply = merged.get(APPLY);
    boolean windows = apply != null && apply.count > 0;
    double applied = apply == null ? 0 : windows ? apply.count : apply.totalCount;
    List<Merged> sorted = new ArrayList<>(merged.values().stream()
        .filter(m -> m.used && !m.stage.equals(CONSUME)).toList());
    sorted.sort(Comparator.comparingDouble((Merged m) -> -time(m, windows)));
    merged.values().stream().filter(m -> m.used && m.stage.equals(CONSUME)).forEach(sorted::add);
    merged.values().stream().filter(m -> !m.used).forEach(sorted::add);

    StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
        "store %s: ingestion stages of %d server(s), sorted by mean contribution per applied"
            + " record (%s)", store, answered.size(), windows
            ? String.format(Locale.ROOT, "last %.0f-%.0f s", windowSeconds, 2 * windowSeconds)
            : "no record in the windows: totals since each server first saw the store"));
    text.append(String.format(Locale.ROOT, "%n%-18s %13s %7s %11s %11s %11s %11s %12s  %s",
        "stage", "contribution", "share", "mean", "p50", "p99 (max)", "records/s", "records",
        "servers"));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Merged m : sorted) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("stage", m.stage);
      row.put("used", m.used);
      if (!m.used) {
        String note = m.note != null ? m.note : "not used: no server measured it";
        row.put("note", note);
        rows.add(row);
        text.append(String.format(Locale.ROOT, "%n%-18s %s", m.stage, note));
        continue;
      }
      long count = windows ? m.count : m.totalCount;
      double mean = count == 0 ? Double.NaN : time(m, windows) / count;
      double contribution = applied == 0 ? Double.NaN : time(m, windows) / applied;
      double share = applied == 0 ? Double.NaN : count / applied;
      double p50 = m.count == 0 ? Double.NaN : m.p50Weighted / m.count;
      boolean consume = m.stage.equals(CONSUME);
      row.put("contributionNanos", consume ? null : finite(contribution));
      row.put("share", finite(share));
      row.put("count", count);
      row.put("meanNanos", finite(mean));
      row.put("p50Nanos", finite(p50));
      row.put("p99Nanos", finite(m.p99));
      row.put("recordsPerSecond", m.recordsPerSecond);
      row.put("totalCount", m.totalCount);
      row.put("totalNanos", m.totalNanos);
      row.put("servers", List.copyOf(m.servers));
      rows.add(row);
      text.append(String.format(Locale.ROOT, "%n%-18s %13s %7s %11s %11s %11s %11.1f %12d  %d",
          consume ? CONSUME + " (wait)" : m.stage, consume ? "-" : duration(contribution),
          Double.isNaN(share) ? "-" : String.format(Locale.ROOT, "%.1f%%", share * 100),
          duration(mean), duration(p50), duration(m.p99), m.recordsPerSecond, count,
          m.servers.size()));
    }
    if (merged.isEmpty() || merged.values().stream().noneMatch(m -> m.used)) {
      text.append(System.lineSeparator()).append("(no ingestion timed for this store yet)");
    }
    for (Map<String, String> m : notAnswered) {
      text.append(System.lineSeparator()).append("not answering: ").append(m.get("instance"))
          .append(" at ").append(m.get("adminUrl")).append(" (").append(m.get("reason"))
          .append(')');
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("store", store);
    json.put("basis", windows ? "window" : "total");
    json.put("windowSeconds", windowSeconds);
    json.put("appliedRecords", (long) applied);
    json.put("serversAnswered", answered.stream().map(Answer::instance).toList());
    json.put("serversNotAnswering", notAnswered);
    json.put("stages", rows);
    print(json, text.toString());
    return 0;
  }

  /** The stage's time over the windows, or in total. */
  private static double time(Merged m, boolean windows) {
    return windows ? m.windowNanos : m.totalNanos;
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  /** Nanoseconds as text: ns, us, ms or s with three significant figures; "-" for none. */
  static String duration(double nanos) {
    if (!Double.isFinite(nanos)) {
      return "-";
    }
    if (nanos < 1_000) {
      return String.format(Locale.ROOT, "%.0f ns", nanos);
    }
    if (nanos < 1_000_000) {
      return String.format(Locale.ROOT, "%.3g us", nanos / 1e3);
    }
    if (nanos < 1_000_000_000) {
      return String.format(Locale.ROOT, "%.3g ms", nanos / 1e6);
    }
    return String.format(Locale.ROOT, "%.3g s", nanos / 1e9);
  }

}
