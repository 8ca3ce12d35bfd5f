package dev.venice.plugins.tracing;

import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The plugin's settings, process-wide under {@code plugins.tracing.*}; only {@code sampling-ratio}
 * may be set per store (in the store's plugin settings), every other key sizes or names one thing
 * per process (the SDK, its exporter and its queue).
 *
 * @param samplingRatio the fraction of calls that start a trace here and are sampled (0 to 1)
 * @param rootSampler the sampler of such calls: OpenTelemetry's trace-id ratio sampler at {@code
 *     samplingRatio}, built once per settings object, never per request
 * @param protocol how spans leave the process
 * @param endpoint the OTLP endpoint URL (the protocol's default when the key is not set)
 * @param serviceName {@code service.name} of this process's spans
 * @param exportTimeout how long one export may take
 * @param scheduleDelay the longest a finished span waits in the queue before an export starts
 * @param maxQueueSize finished spans held for export at most; more are dropped (counted)
 * @param maxExportBatchSize spans per export at most
 */
record TracingConfig(double samplingRatio, Sampler rootSampler, Protocol protocol,
    String endpoint, String serviceName, Duration exportTimeout, Duration scheduleDelay,
    int maxQueueSize, int maxExportBatchSize) {

  /** How spans are exported. */
  enum Protocol {
    /** OTLP over gRPC (default port 4317). */
    GRPC("grpc", "http://localhost:4317"),
    /** OTLP over HTTP with protobuf bodies (default port 4318, path {@code /v1/traces}). */
    HTTP_PROTOBUF("http/protobuf", "http://localhost:4318/v1/traces"),
    /** Not exported: spans are still made and trace context still propagated. */
    NONE("none", "");

    final String id;
    final String defaultEndpoint;

    Protocol(String id, String defaultEndpoint) {
      this.id = id;
      this.defaultEndpoint = defaultEndpoint;
    }

    static Protocol parse(String raw) {
      String id = raw.trim().toLowerCase(Locale.ROOT);
      for (Protocol p : values()) {
        if (p.id.equals(id)) {
          return p;
        }
      }
      throw new ConfigException("plugins.tracing.protocol", "plugins.tracing.protocol=" + raw
          + " is not allowed: expected grpc, http/protobuf or none");
    }
  }

  static final ConfigKey<Double> SAMPLING_RATIO = ConfigKey.decimal("sampling-ratio", 0.01, 0.0,
      1.0, "the fraction of calls that start a trace here which are sampled (parent-based: a call"
          + " whose caller decided follows the caller)");
  static final ConfigKey<String> ENDPOINT = ConfigKey.string("endpoint", null,
      "the OTLP endpoint URL; default http://localhost:4317 (grpc) or"
          + " http://localhost:4318/v1/traces (http/protobuf)").processOnly();
  static final ConfigKey<String> PROTOCOL = ConfigKey.string("protocol", "grpc",
      "how spans are exported: grpc, http/protobuf (OTLP) or none").processOnly();
  static final ConfigKey<String> SERVICE_NAME = ConfigKey.string("service-name", null,
      "service.name of this process's spans; default venice-<process kind>").processOnly();
  static final ConfigKey<Duration> EXPORT_TIMEOUT = ConfigKey.duration("export-timeout",
      Duration.ofSeconds(10), Duration.ofMillis(1), Duration.ofMinutes(1),
      "how long one export may take (also bounds the flush when the plugin stops)").processOnly();
  static final ConfigKey<Duration> SCHEDULE_DELAY = ConfigKey.duration("schedule-delay",
      Duration.ofSeconds(5), Duration.ofMillis(1), Duration.ofMinutes(1),
      "the longest a finished span waits before an export starts").processOnly();
  static final ConfigKey<Integer> MAX_QUEUE_SIZE = ConfigKey.integer("max-queue-size", 2048, 1,
      1_000_000, "finished spans held for export at most; more are dropped").processOnly();
  static final ConfigKey<Integer> MAX_EXPORT_BATCH_SIZE = ConfigKey.integer(
      "max-export-batch-size", 512, 1, 1_000_000, "spans per export at most").processOnly();
  static final List<ConfigKey<?>> KEYS = List.of(SAMPLING_RATIO, ENDPOINT, PROTOCOL,
      SERVICE_NAME, EXPORT_TIMEOUT, SCHEDULE_DELAY, MAX_QUEUE_SIZE, MAX_EXPORT_BATCH_SIZE);

  /**
   * The rules beyond each key's own: a known protocol, an http(s) endpoint, and a batch no larger
   * than the queue.
   *
   * @throws ConfigException naming the key at fault
   */
  static void validate(PluginConfig config) {
    Protocol.parse(config.get(PROTOCOL));
    String endpoint = config.get(ENDPOINT);
    if (endpoint != null && !endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
      throw new ConfigException("plugins.tracing.endpoint", "plugins.tracing.endpoint="
          + endpoint + " is not allowed: expected an http:// or https:// URL, e.g."
          + " http://localhost:4317");
    }
    if (config.get(MAX_EXPORT_BATCH_SIZE) > config.get(MAX_QUEUE_SIZE)) {
      throw new ConfigException("plugins.tracing.max-export-batch-size",
          "plugins.tracing.max-export-batch-size=" + config.get(MAX_EXPORT_BATCH_SIZE)
              + " is larger than plugins.tracing.max-queue-size=" + config.get(MAX_QUEUE_SIZE)
              + "; a batch is taken from the queue");
    }
  }

  static TracingConfig from(PluginConfig config) {
    validate(config);
    Protocol protocol = Protocol.parse(config.get(PROTOCOL));
    String endpoint = config.get(ENDPOINT);
    double ratio = config.get(SAMPLING_RATIO);
    return new TracingConfig(ratio, Sampler.traceIdRatioBased(ratio), protocol,
        endpoint == null ? protocol.defaultEndpoint : endpoint, config.get(SERVICE_NAME),
        config.get(EXPORT_TIMEOUT), config.get(SCHEDULE_DELAY), config.get(MAX_QUEUE_SIZE),
        config.get(MAX_EXPORT_BATCH_SIZE));
  }

  /** {@code service.name}: the configured one, else {@code venice-<process kind>}. */
  String serviceName(String processKind) {
    return serviceName != null ? serviceName : "venice-" + processKind;
  }
}
