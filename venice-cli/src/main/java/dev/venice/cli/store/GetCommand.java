package dev.venice.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.AvroJson;
import dev.venice.cli.CliException;
import dev.venice.cli.GlobalOptions;
import dev.venice.plugins.tracing.TraceIds;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.spi.client.StoreClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.avro.Schema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code venice get}. */
@Command(name = "get", description = "Read one key; prints the value as JSON (null when absent).",
    mixinStandardHelpOptions = true, footer = {"", "With --trace the read is traced end to end"
        + " (the tracing plugin switched on for this client, every span sampled) and the trace"
        + " id is printed after the value, to look up in the tracing backend that receives"
        + " --otlp-endpoint; routers and servers add their spans when they run the tracing plugin"
        + " too.", "", "Examples:",
        "  venice get --store users --key '\"alice\"'",
        "  venice get --store counters --key 42 --fast",
        "  venice get --store users --key '\"alice\"' --trace --otlp-endpoint"
            + " http://otel-collector:4317"})
public final class GetCommand extends StoreCommand.Base {
  /** The client's meters of the tracing plugin: what its export did. */
  private static final String EXPORTED = "venice.client.tracing.spans.exported";
  private static final String EXPORT_FAILED = "venice.client.tracing.spans.export.failed";
  /**
   * OpenTelemetry's exporter logs failures through java.util.logging; the command reports them
   * itself. Held here because java.util.logging keeps loggers weakly.
   */
  private static final Logger OTEL_LOG = Logger.getLogger("io.opentelemetry");

  @Option(names = {"-s", "--store"}, required = true, description = {"Store name.",
      "Example: --store users"})
  String store;
  @Option(names = {"-k", "--key"}, required = true, paramLabel = "JSON",
      description = {"The key as JSON of the key schema.",
          "Example: --key '\"user-7\"'"})
  String key;
  @Option(names = "--fast", description = {"Read straight from replicas (fast client).",
      "Example: --fast"})
  boolean fast;
  @Option(names = "--trace", description = {"Trace this read and print its trace id"
      + " (--json: traceId).",
      "Example: --trace"})
  boolean trace;
  @Option(names = "--otlp-endpoint", paramLabel = "URL", defaultValue = "${env:"
      + "OTEL_EXPORTER_OTLP_ENDPOINT:-http://localhost:4317}", description = {"With --trace: where"
      + " the client's spans go (default: $OTEL_EXPORTER_OTLP_ENDPOINT, else ${DEFAULT-VALUE}).",
          "Example: --otlp-endpoint http://otel-collector:4317"})
  String otlpEndpoint;
  @Option(names = "--otlp-protocol", paramLabel = "PROTOCOL", defaultValue = "grpc",
      description = {"With --trace: grpc or http/protobuf (an http/protobuf endpoint ends in"
          + " /v1/traces); default ${DEFAULT-VALUE}.",
          "Example: --otlp-protocol http/protobuf"})
  String otlpProtocol;

  @Override
  public Integer call() {
    Schema keySchema = new Schema.Parser().parse(admin().schemas(store).keySchema());
    Object keyDatum = AvroJson.parse("--key", keySchema, key);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("key", AvroJson.toJson(keySchema, keyDatum));
    if (!trace) {
      try (StoreClient<Object, Object> client = client(options, store, fast)) {
        JsonNode json = AvroJson.toJson(null, client.get(keyDatum).join());
        result.put("value", json);
        print(result, String.valueOf(json));
      }
      return 0;
    }
    MeterRegistry meters = new SimpleMeterRegistry();
    List<String> traceIds = new ArrayList<>();
    JsonNode json;
    OTEL_LOG.setLevel(Level.OFF);
    try (StoreClient<Object, Object> client = tracedClient(meters)) {
      json = AvroJson.toJson(null, TraceIds.capture(traceIds::add,
          () -> client.get(keyDatum)).join());
    } // closing the client stops the plugin, which flushes the span
    result.put("value", json);
    String traceId = traceIds.isEmpty() ? null : traceIds.get(0);
    result.put("traceId", traceId);
    double exported = count(meters, EXPORTED);
    double failed = count(meters, EXPORT_FAILED);
    result.put("traceExported", exported > 0);
    String note = traceId == null
        ? "trace: none (the tracing plugin is switched off for store " + store + ")"
        : "trace " + traceId + (exported > 0 ? " (exported to " + otlpEndpoint + ")"
            : failed > 0 ? " (export to " + otlpEndpoint + " failed: the client's span is not"
                + " in the backend; routers and servers export theirs themselves)"
            : " (not exported)");
    print(result, json + System.lineSeparator() + note);
    return 0;
  }

  private StoreClient<Object, Object> tracedClient(MeterRegistry meters) {
    if (!otlpProtocol.equals("grpc") && !otlpProtocol.equals("http/protobuf")) {
      throw new CliException("--otlp-protocol " + otlpProtocol
          + " is not allowed: expected grpc or http/protobuf");
    }
    if (!otlpEndpoint.startsWith("http://") && !otlpEndpoint.startsWith("https://")) {
      throw new CliException("--otlp-endpoint " + otlpEndpoint + " is not allowed: expected an"
          + " http:// or https:// URL, e.g. http://localhost:4317");
    }
    VeniceClients.Builder builder = options.clientBuilder(store)
        .meterRegistry(meters).pluginConfig(Map.of(
            "plugins.tracing.enabled", "true",
            "plugins.tracing.sampling-ratio", "1.0",
            "plugins.tracing.endpoint", otlpEndpoint,
            "plugins.tracing.protocol", otlpProtocol,
            "plugins.tracing.service-name", "venice-cli",
            "plugins.tracing.export-timeout", "5s"));
    return fast ? builder.fast() : builder.thin();
  }

  private static double count(MeterRegistry meters, String name) {
    var counter = meters.find(name).counter();
    return counter == null ? 0 : counter.count();
  }

  static StoreClient<Object, Object> client(GlobalOptions options, String store, boolean fast) {
    VeniceClients.Builder builder = options.clientBuilder(store);
    return fast ? builder.fast() : builder.thin();
  }
}
