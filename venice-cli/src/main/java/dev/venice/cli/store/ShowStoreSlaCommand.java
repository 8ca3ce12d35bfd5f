package dev.venice.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.CliException;
import dev.venice.cli.store.StoreLatencies.Latency;
import dev.venice.cli.store.StoreLatencies.Status;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code venice show-store-sla} (seed project 40): every router's {@code /metrics}, single-get
 * p50/p99/p99.9 per store, ranked by p99 with a marker against {@code --threshold-ms}. Routers are
 * the controller's live members of kind router (or {@code --router}); they are asked at most 8 at
 * a time with a 5 s timeout each, and the ones that did not answer are named, not fatal (unless
 * none answered). Parsing and ranking: {@link StoreLatencies}.
 */
@Command(name = "show-store-sla", mixinStandardHelpOptions = true,
    description = "Rank stores by single-get p99 latency, as the routers measure it, against an"
        + " SLA threshold: 🟢 under 80%% of it, 🟡 up to it, 🔴 over it.",
    footer = {"", "Examples:",
        "  venice show-store-sla --threshold-ms 10 --top 5",
        "  venice show-store-sla --store users --json"})
public final class ShowStoreSlaCommand extends StoreCommand.Base {
  private static final int MAX_PARALLEL = 8;
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @Option(names = "--threshold-ms", paramLabel = "MS", defaultValue = "10",
      description = {"The SLA's single-get p99 in milliseconds (default: ${DEFAULT-VALUE}).",
          "Example: --threshold-ms 20"})
  double thresholdMs;

  @Option(names = "--top", paramLabel = "N", defaultValue = "20",
      description = {"Show the N worst stores (default: ${DEFAULT-VALUE}).",
          "Example: --top 5"})
  int top;

  @Option(names = {"-s", "--store"}, description = {"Only this store.",
      "Example: --store users"})
  String store;

  @Override
  public Integer call() throws Exception {
    if (!(thresholdMs > 0)) {
      throw new CliException("--threshold-ms must be more than 0, not " + thresholdMs);
    }
    if (top < 1) {
      throw new CliException("--top must be at least 1, not " + top);
    }
    if (store != null) {
      admin().getStore(store); // fails naming the store when it does not exist
    }
    List<String> routers = routers();
    Map<String, String> unreachable = new LinkedHashMap<>();
    List<Map<String, Latency>> answers = new ArrayList<>();
    HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(MAX_PARALLEL, routers.size()),
        r -> {
          Thread t = new Thread(r, "show-store-sla");
          t.setDaemon(true);
          return t;
        });
    try {
      List<CompletableFuture<String>> scrapes = routers.stream().map(router ->
          CompletableFuture.supplyAsync(() -> scrape(http, router), pool)).toList();
      for (int i = 0; i < routers.size(); i++) {
        try {
          answers.add(StoreLatencies.parse(scrapes.get(i).join()));
        } catch (RuntimeException e) {
          Throwable cause = e.getCause() == null ? e : e.getCause();
          unreachable.put(routers.get(i), String.valueOf(cause.getMessage()));
        }
      }
    } finally {
      pool.shutdownNow();
    }
    if (answers.isEmpty()) {
      throw new CliException("no router answered: " + unreachable);
    }
    Map<String, Latency> worst = StoreLatencies.worstOf(answers);
    if (store != null) {
      worst.keySet().retainAll(List.of(store));
    }
    List<Latency> ranked = StoreLatencies.rank(worst, top);
    print(json(routers, unreachable, ranked), text(routers, unreachable, ranked));
    return 0;
  }

  /** The routers' admin URLs: {@code --router}, else the controller's live router members. */
  private List<String> routers() {
    if (options.router != null) {
      return List.of(options.router.replaceAll("/+$", ""));
    }
    JsonNode cluster = admin().cluster();
    List<String> routers = new ArrayList<>();
    for (JsonNode member : cluster.path("members")) {
      if (member.path("kind").asText().equalsIgnoreCase("router")) {
        routers.add(member.path("adminUrl").asText().replaceAll("/+$", ""));
      }
    }
    if (routers.isEmpty()) {
      throw new CliException("cluster " + cluster.path("cluster").asText("?") + " has no live"
          + " router to ask (give one with --router)");
    }
    return routers;
  }

  private static String scrape(HttpClient http, String router) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(
          URI.create(router + "/metrics")).timeout(TIMEOUT).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("/metrics answered " + response.statusCode());
      }
      return response.body();
    } catch (IOException e) {
      throw new IllegalStateException(e.toString(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private Map<String, Object> json(List<String> routers, Map<String, String> unreachable,
      List<Latency> ranked) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("thresholdMs", thresholdMs);
    json.put("routers", routers);
    json.put("unreachable", unreachable);
    List<Map<String, Object>> stores = new ArrayList<>();
    for (Latency l : ranked) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("store", l.store());
      row.put("p50Ms", l.p50());
      row.put("p99Ms", l.p99());
      row.put("p999Ms", l.p999());
      row.put("status", Status.of(l.p99(), thresholdMs).name());
      stores.add(row);
    }
    json.put("stores", stores);
    return json;
  }

  private String text(List<String> routers, Map<String, String> unreachable,
      List<Latency> ranked) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "single-get latency by store, worst p99 first (SLA p99"
        + " %s ms; %d of %d routers answered)%n", number(thresholdMs),
        routers.size() - unreachable.size(), routers.size()));
    if (ranked.isEmpty()) {
      out.append("  no single-get latency recorded yet").append(System.lineSeparator());
    } else {
      out.append(String.format(Locale.ROOT, "  %-2s %-5s %-30s %10s %10s %10s%n", "", "", "store",
          "p50 ms", "p99 ms", "p99.9 ms"));
      for (Latency l : ranked) {
        Status status = Status.of(l.p99(), thresholdMs);
        out.append(String.format(Locale.ROOT, "  %s %-5s %-30s %10.2f %10.2f %10.2f%n",
            status.marker, status.name(), l.store(), l.p50(), l.p99(), l.p999()));
      }
    }
    unreachable.forEach((router, why) -> out.append("  router ").append(router)
        .append(" did not answer: ").append(why).append(System.lineSeparator()));
    return out.toString().stripTrailing();
  }

  private static String number(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
