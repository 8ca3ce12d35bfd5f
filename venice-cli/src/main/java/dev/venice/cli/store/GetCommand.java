package dev.venice.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.AvroJson;
import dev.venice.cli.GlobalOptions;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.spi.client.StoreClient;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code venice get}. */
@Command(name = "get", description = "Read one key; prints the value as JSON (null when absent).",
    mixinStandardHelpOptions = true, footer = {"", "Examples:",
        "  venice get --store users --key '\"alice\"'",
        "  venice get --store counters --key 42 --fast"})
public final class GetCommand extends StoreCommand.Base {
  @Option(names = {"-s", "--store"}, required = true, description = "Store name.")
  String store;
  @Option(names = {"-k", "--key"}, required = true, paramLabel = "JSON",
      description = "The key as JSON of the key schema.")
  String key;
  @Option(names = "--fast", description = "Read straight from replicas (fast client).")
  boolean fast;

  @Override
  public Integer call() {
    Schema keySchema = new Schema.Parser().parse(admin().schemas(store).keySchema());
    Object keyDatum = AvroJson.parse("--key", keySchema, key);
    try (StoreClient<Object, Object> client = client(options, store, fast)) {
      Object value = client.get(keyDatum).join();
      JsonNode json = AvroJson.toJson(null, value);
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("key", AvroJson.toJson(keySchema, keyDatum));
      result.put("value", json);
      print(result, json == null ? "null" : json.toString());
    }
    return 0;
  }

  static StoreClient<Object, Object> client(GlobalOptions options, String store, boolean fast) {
    VeniceClients.Builder builder = VeniceClients.builder(options.routerUrl(), store);
    return fast ? builder.fast() : builder.thin();
  }
}
