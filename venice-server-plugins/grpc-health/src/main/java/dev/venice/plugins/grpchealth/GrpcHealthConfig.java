package dev.venice.plugins.grpchealth;

import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.util.List;

/**
 * The plugin's settings, process-wide under {@code plugins.grpc-health.*} (a process has one
 * health service, so no key may be set per store).
 *
 * @param readinessService the health service name that answers readiness; never {@code ""} (the
 *     protocol's name for the whole server, which answers liveness)
 */
record GrpcHealthConfig(String readinessService) {
  static final ConfigKey<String> READINESS_SERVICE = ConfigKey.string("readiness-service",
      "venice.readiness", "the health service name answering readiness (SERVING only while the"
          + " process is READY); the service \"\" answers liveness").processOnly();
  static final List<ConfigKey<?>> KEYS = List.of(READINESS_SERVICE);

  /**
   * The rule beyond the key's own: the readiness service has a name, and not one with spaces
   * around it (a probe would have to repeat them exactly).
   *
   * @throws ConfigException naming {@code plugins.grpc-health.readiness-service}
   */
  static void validate(PluginConfig config) {
    String name = config.get(READINESS_SERVICE);
    if (name == null || name.isBlank() || !name.equals(name.strip())) {
      throw new ConfigException("plugins.grpc-health.readiness-service",
          "plugins.grpc-health.readiness-service='" + name + "' is not allowed: expected a"
              + " non-empty name without surrounding spaces, e.g. venice.readiness (\"\" is the"
              + " liveness service)");
    }
  }

  static GrpcHealthConfig from(PluginConfig config) {
    validate(config);
    return new GrpcHealthConfig(config.get(READINESS_SERVICE));
  }
}
