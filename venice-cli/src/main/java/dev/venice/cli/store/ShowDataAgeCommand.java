package dev.venice.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.CliException;
import dev.venice.cli.store.ServerFanOut.Answer;
import dev.venice.runtime.common.controller.ControllerClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code venice show-data-age}: asks every server the controller lists for the data-freshness
 * plugin's data age of a hybrid store ({@code GET /plugins/data-freshness/data-age?store=S}, see
 * {@link ServerFanOut}) and prints, per partition, the min, max and mean data age (ms) over the
 * replicas that have one in their window, and how many replicas answered for it; servers that did
 * not answer are named. A batch-only store exits 1 (data freshness covers hybrid stores only).
 */
@Command(name = "show-data-age", mixinStandardHelpOptions = true,
    description = "Show how old a hybrid store's newest data is: per partition, the min, max and"
        + " mean data age (now minus the newest producer timestamp seen in the last window, ms)"
        + " across the replicas of every server's data-freshness plugin. Needs"
        + " plugins.data-freshness.enabled=true on the servers. Exit status: 0 shown, 1 the store"
        + " does not exist, is batch-only or no server answered, 2 usage error.",
    footer = {"", "Ages mix clocks: the producer's (the timestamp) and the server's (now)."
        + " \"none in window\": no timestamped record reached the replica in the window"
        + " (plugins.data-freshness.window, default 60s).", "",
        "Examples:",
        "  venice show-data-age --store clicks",
        "  venice show-data-age --store clicks --json --timeout 2s"})
public final class ShowDataAgeCommand extends StoreCommand.Base {
  private static final String PATH = "/plugins/data-freshness/data-age?store=";

  @Option(names = {"-s", "--store"}, required = true, description = {"Store name.",
      "Example: --store users"})
  String store;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s",
      converter = ServerFanOut.ServerTimeout.class,
      description = {"How long each server may take to answer (default ${DEFAULT-VALUE}).",
          "Example: --timeout 10s"})
  Duration timeout;

  /** One partition's replicas: their ages (ms) and the servers without one in the window. */
  private static final class Partition {
    final List<Double> ages = new ArrayList<>();
    final List<String> none = new ArrayList<>();
  }

  @Override
  public Integer call() throws Exception {
    ControllerClient admin = admin();
    if (existingStore(admin, store).hybrid() == null) {
      throw new CliException("store " + store + " is batch-only: data freshness covers hybrid"
          + " stores only");
    }
    ServerFanOut.Answers answers = ServerFanOut.askEveryServer(admin, options.controllerUrl(),
        store, PATH + URLEncoder.encode(store, StandardCharsets.UTF_8), "data-freshness", timeout);
    List<Answer> answered = answers.answered();
    List<Map<String, String>> notAnswered = answers.notAnswering();
    Map<Integer, Partition> partitions = new TreeMap<>();
    List<String> untracked = new ArrayList<>();
    for (Answer a : answered) {
      for (JsonNode s : a.body().path("stores")) {
        if (!s.path("tracked").asBoolean()) {
          untracked.add(a.instance() + ": " + s.path("reason").asText());
        }
        for (JsonNode p : s.path("partitions")) {
          Partition partition = partitions.computeIfAbsent(p.path("partition").asInt(),
              n -> new Partition());
          if (p.path("dataAgeMs").isNumber()) {
            partition.ages.add(p.path("dataAgeMs").asDouble());
          } else {
            partition.none.add(a.instance());
          }
        }
      }
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
        "%-9s %8s %12s %12s %12s%n", "partition", "replicas", "min ms", "max ms", "mean ms"));
    partitions.forEach((number, p) -> {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("partition", number);
      row.put("replicas", p.ages.size() + p.none.size());
      row.put("replicasWithAge", p.ages.size());
      Double min = p.ages.stream().min(Double::compare).orElse(null);
      Double max = p.ages.stream().max(Double::compare).orElse(null);
      Double mean = p.ages.isEmpty() ? null
          : p.ages.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      row.put("minDataAgeMs", min);
      row.put("maxDataAgeMs", max);
      row.put("meanDataAgeMs", mean);
      row.put("replicasWithoutAge", p.none);
      rows.add(row);
      text.append(mean == null
          ? String.format(Locale.ROOT, "%-9d %8d %38s%n", number, p.none.size(), "none in window")
          : String.format(Locale.ROOT, "%-9d %8d %12.0f %12.0f %12.0f%n", number,
              p.ages.size() + p.none.size(), min, max, mean));
    });
    if (partitions.isEmpty()) {
      text.append("(no replica of ").append(store).append(" reported a data age)")
          .append(System.lineSeparator());
    }
    untracked.forEach(u -> text.append("not tracked on ").append(u)
        .append(System.lineSeparator()));
    notAnswered.forEach(m -> text.append("no answer from ").append(m.get("instance"))
        .append(": ").append(m.get("reason")).append(System.lineSeparator()));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("store", store);
    json.put("partitions", rows);
    json.put("serversAnswered", answered.stream().map(Answer::instance).toList());
    json.put("serversNotAnswering", notAnswered);
    json.put("notTracked", untracked);
    print(json, text.toString().stripTrailing());
    return 0;
  }
}
