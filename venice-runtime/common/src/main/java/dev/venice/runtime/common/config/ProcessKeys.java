package dev.venice.runtime.common.config;

import dev.venice.runtime.common.security.TlsSettings;
import dev.venice.spi.config.ConfigKey;
import java.util.List;
import java.util.stream.Stream;

/**
 * The configuration keys every Venice process declares the same way (controller, server and
 * router reference these; their own keys live in {@code ControllerConfig}, {@code ServerConfig}
 * and {@code RouterConfig}); the {@code ssl.*} keys are {@link TlsSettings}'s. The ZooKeeper session timeout and the cluster view's parallelism are
 * declared once too, beside the code that uses them.
 */
public final class ProcessKeys {
  /** The cluster the process belongs to (its Helix cluster name). */
  public static final ConfigKey<String> CLUSTER_NAME = ConfigKey.string("cluster.name", null,
      "the Venice cluster (its Helix cluster name) this process belongs to");
  /** ZooKeeper connect string. */
  public static final ConfigKey<String> ZOOKEEPER_ADDRESS = ConfigKey.string("zookeeper.address",
      null, "ZooKeeper connect string, host:port[,host:port]");
  /** Kafka bootstrap servers (controllers and servers; optional on routers, for plugins). */
  public static final ConfigKey<String> KAFKA_BOOTSTRAP_SERVERS = ConfigKey.string(
      "kafka.bootstrap.servers", null, "Kafka bootstrap servers, host:port[,...]");
  /** The host the process binds its ports to and advertises. */
  public static final ConfigKey<String> HOST = ConfigKey.string("host", "127.0.0.1",
      "host this process binds its ports to and advertises");
  /** The admin HTTP port. */
  public static final ConfigKey<Integer> ADMIN_PORT = ConfigKey.integer("admin.port", 0, 0, 65535,
      "admin HTTP port: /health, /metrics, /plugins and the process's API (0 picks a free port)");
  /** Where plugin directories live. */
  public static final ConfigKey<String> PLUGIN_DIR = ConfigKey.string("plugin.dir", null,
      "directory holding one sub-directory per plugin (plugins/<id>/*.jar)");

  /** The keys every process has. */
  public static final List<ConfigKey<?>> EVERY_PROCESS = Stream.concat(Stream.of(CLUSTER_NAME,
      ZOOKEEPER_ADDRESS, HOST, ADMIN_PORT, PLUGIN_DIR), TlsSettings.KEYS.stream()).toList();

  /** A process's {@code keys} followed by the {@code ssl.*} keys every process accepts. */
  public static List<ConfigKey<?>> withTls(ConfigKey<?>... keys) {
    return Stream.concat(Stream.of(keys), TlsSettings.KEYS.stream()).toList();
  }

  private ProcessKeys() {}
}
