package dev.venice.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.AvroJson;
import dev.venice.cli.CliException;
import dev.venice.cli.store.ServerFanOut.Answer;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.controller.ControllerException;
import dev.venice.runtime.common.data.AvroSerde;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code venice show-hot-keys}: asks every server the controller lists ({@code GET /cluster},
 * members of kind {@code server} with their admin URLs) for the hot-keys plugin's summaries of a
 * store ({@code GET /plugins/hot-keys/top?store=S}), at most {@link ServerFanOut#PARALLELISM} servers at a time,
 * each within {@code --timeout}; names the servers that did not answer instead of failing; merges
 * the replicas of each partition with {@link HotKeySummaries#merge} and the partitions with {@link
 * HotKeySummaries#union}; prints the hottest keys as JSON of the store's key schema, with count,
 * error and share of the merged total.
 */
@Command(name = "show-hot-keys", mixinStandardHelpOptions = true,
    description = "Show a store's hottest keys: the hot-keys plugin's Space-Saving summaries of"
        + " every replica, merged (counts and error bounds), with each key's estimated share of"
        + " the store's key lookups. Needs plugins.hot-keys.enabled=true on the servers. Servers"
        + " that do not answer are named; the others are merged. Exit status: 0 shown, 1 the"
        + " store does not exist or no server answered, 2 usage error.",
    footer = {"", "Counts are upper bounds: a key's true count is between count - error and"
        + " count. Summaries count since each replica's first read on its server.", "",
        "Examples:",
        "  venice show-hot-keys --store users",
        "  venice show-hot-keys --store users --top 5 --json",
        "  venice show-hot-keys --store users --controller http://controller:5555 --timeout 2s"})
public final class ShowHotKeysCommand extends StoreCommand.Base {
  /** The most servers asked at once. */
  private static final String PATH = "/plugins/hot-keys/top?store=";

  @Option(names = {"-s", "--store"}, required = true, description = {"Store name.",
      "Example: --store users"})
  String store;

  @Option(names = "--top", paramLabel = "N", defaultValue = "10",
      description = {"How many keys to show (default ${DEFAULT-VALUE}).",
          "Example: --top 5"})
  int top;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s",
      converter = ServerFanOut.ServerTimeout.class,
      description = {"How long each server may take to answer (default ${DEFAULT-VALUE}).",
          "Example: --timeout 10s"})
  Duration timeout;

  /** One server's answer: its JSON, or why there is none. */

  @Override
  public Integer call() throws Exception {
    if (top < 1) {
      throw new CliException("--top " + top + " is not allowed: expected 1 or more");
    }
    ControllerClient admin = admin();
    Schema keySchema;
    try {
      keySchema = new Schema.Parser().parse(admin.schemas(store).keySchema());
    } catch (ControllerException e) {
      if (e.status() == 404) {
        throw new CliException("store " + store + " does not exist");
      }
      throw e;
    }
    ServerFanOut.Answers answers = ServerFanOut.askEveryServer(admin, options.controllerUrl(),
        store, PATH + URLEncoder.encode(store, StandardCharsets.UTF_8), "hot-keys", timeout);
    List<Answer> answered = answers.answered();
    List<Map<String, String>> notAnswered = answers.notAnswering();
    int version = answered.stream().mapToInt(a -> a.body().path("version").asInt()).max()
        .orElse(0);
    Map<Integer, List<HotKeySummaries.Summary>> byPartition = new TreeMap<>();
    Map<Integer, Integer> replicas = new TreeMap<>();
    for (Answer a : answered) {
      if (a.body().path("version").asInt() != version) {
        continue; // a replica of an older version, still serving during a version swap
      }
      for (JsonNode p : a.body().path("partitions")) {
        int partition = p.path("partition").asInt();
        byPartition.computeIfAbsent(partition, k -> new ArrayList<>()).add(summary(p));
        replicas.merge(partition, 1, Integer::sum);
      }
    }
    HotKeySummaries.Summary merged = HotKeySummaries.union(byPartition.values().stream()
        .map(HotKeySummaries::merge).toList());
    Map<String, Integer> partitionOf = new LinkedHashMap<>();
    byPartition.forEach((p, list) -> list.forEach(s -> s.entries()
        .forEach(e -> partitionOf.put(e.key(), p))));

    List<Map<String, Object>> keys = new ArrayList<>();
    StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
        "store %s version %d: %d key lookups counted on %d partition replica(s) of %d server(s)",
        store, version, merged.total(), replicas.values().stream().mapToInt(i -> i).sum(),
        answered.size()));
    text.append(String.format(Locale.ROOT, "%n%4s  %12s  %10s  %7s  %9s  %s", "rank", "count",
        "error", "share", "partition", "key"));
    List<HotKeySummaries.Entry> head = merged.entries().subList(0,
        Math.min(top, merged.entries().size()));
    for (int i = 0; i < head.size(); i++) {
      HotKeySummaries.Entry e = head.get(i);
      JsonNode key = decode(keySchema, e.key());
      double share = merged.total() == 0 ? 0 : (double) e.count() / merged.total();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("rank", i + 1);
      row.put("key", key);
      row.put("keyBase64", e.key());
      row.put("partition", partitionOf.get(e.key()));
      row.put("count", e.count());
      row.put("error", e.error());
      row.put("share", share);
      keys.add(row);
      text.append(String.format(Locale.ROOT, "%n%4d  %12d  %10d  %6.2f%%  %9d  %s", i + 1,
          e.count(), e.error(), share * 100, partitionOf.get(e.key()),
          key == null ? "base64:" + e.key() : key.toString()));
    }
    if (head.isEmpty()) {
      text.append(System.lineSeparator()).append("(no key lookups counted yet)");
    }
    for (Map<String, String> m : notAnswered) {
      text.append(System.lineSeparator()).append("not answering: ").append(m.get("instance"))
          .append(" at ").append(m.get("adminUrl")).append(" (").append(m.get("reason"))
          .append(')');
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("store", store);
    json.put("version", version);
    json.put("total", merged.total());
    json.put("serversAnswered", answered.stream().map(Answer::instance).toList());
    json.put("serversNotAnswering", notAnswered);
    json.put("partitionReplicas", replicas);
    json.put("keys", keys);
    print(json, text.toString());
    return 0;
  }

  private static HotKeySummaries.Summary summary(JsonNode partition) {
    List<HotKeySummaries.Entry> entries = new ArrayList<>();
    for (JsonNode e : partition.path("entries")) {
      entries.add(new HotKeySummaries.Entry(e.path("key").asText(), e.path("count").asLong(),
          e.path("error").asLong()));
    }
    return new HotKeySummaries.Summary(partition.path("total").asLong(),
        partition.path("minCount").asLong(), entries);
  }

  /** The key as JSON of the key schema, or null when its bytes do not decode with it. */
  private static JsonNode decode(Schema keySchema, String base64) {
    try {
      byte[] bytes = Base64.getDecoder().decode(base64);
      return AvroJson.toJson(keySchema, AvroSerde.deserialize(keySchema, keySchema, bytes));
    } catch (RuntimeException e) {
      return null;
    }
  }
}
