package dev.venice.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.AvroJson;
import dev.venice.cli.CliException;
import dev.venice.cli.Output;
import dev.venice.spi.client.StoreClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code venice batch-get}. */
@Command(name = "batch-get", description = "Read several keys; prints each key with its value"
    + " as JSON (absent keys are left out).", mixinStandardHelpOptions = true,
    footer = {"", "Example:", "  venice batch-get --store users --keys '[\"alice\", \"bob\"]'"})
public final class BatchGetCommand extends StoreCommand.Base {
  @Option(names = {"-s", "--store"}, required = true, description = {"Store name.",
      "Example: --store users"})
  String store;
  @Option(names = "--keys", required = true, paramLabel = "JSON-ARRAY",
      description = {"The keys as a JSON array of keys of the key schema.",
          "Example: --keys '[\"user-1\", \"user-2\"]'"})
  String keys;
  @Option(names = "--fast", description = {"Read straight from replicas (fast client).",
      "Example: --fast"})
  boolean fast;

  @Override
  public Integer call() throws Exception {
    Schema keySchema = new Schema.Parser().parse(admin().schemas(store).keySchema());
    JsonNode array;
    try {
      array = Output.JSON.readTree(keys);
    } catch (IOException e) {
      throw new CliException("--keys is not JSON: " + e.getMessage());
    }
    if (array == null || !array.isArray()) {
      throw new CliException("--keys must be a JSON array, e.g. '[\"alice\", \"bob\"]'");
    }
    List<Object> data = new ArrayList<>();
    for (JsonNode key : array) {
      data.add(AvroJson.parse("key", keySchema, key.toString()));
    }
    try (StoreClient<Object, Object> client = GetCommand.client(options, store, fast)) {
      Map<Object, Object> values = client.batchGet(new LinkedHashSet<>(data)).join();
      List<Map<String, Object>> rows = new ArrayList<>();
      StringBuilder text = new StringBuilder();
      for (Object key : data) {
        if (values.containsKey(key)) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("key", AvroJson.toJson(keySchema, key));
          row.put("value", AvroJson.toJson(null, values.get(key)));
          rows.add(row);
          text.append(row.get("key")).append('\t').append(row.get("value")).append('\n');
        }
      }
      print(rows, text.length() == 0 ? "(none of the keys exist)" : text.toString().trim());
    }
    return 0;
  }
}
