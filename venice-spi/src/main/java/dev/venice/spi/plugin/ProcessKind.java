package dev.venice.spi.plugin;

import java.util.Locale;

/**
 * The kinds of process a plugin can run in. A host starts only the plugins whose {@link
 * PluginDescriptor#processKinds()} include its own kind and lists the others as not applicable, so
 * {@code plugins.<id>.enabled=true} can be given to every process of a cluster.
 */
public enum ProcessKind {
  /** An application's thin or fast store client (store- and replica-level decorators). */
  CLIENT,
  /** An application's Da Vinci client: a local, eagerly loaded copy of a store. */
  DA_VINCI_CLIENT,
  /** A storage server (read, ingestion and lifecycle hooks). */
  SERVER,
  /** A router (read hooks on the thin-client path, lifecycle hooks). */
  ROUTER,
  /** A controller (admin-mutation and lifecycle hooks). */
  CONTROLLER;

  /** The name used in configuration, listings and metric names: {@code client}, {@code server}... */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * The prefix of a plugin's meter names in this kind of process (what {@link
   * PluginContext#metricPrefix()} returns): {@code venice.<kind id>.<plugin id>.} with {@code '.'}
   * for {@code '-'} in both, e.g. {@code venice.server.bloom.filter.}.
   *
   * @since 1.1.0
   */
  public String metricPrefix(String pluginId) {
    return "venice." + id().replace('-', '.') + "." + pluginId.replace('-', '.') + ".";
  }

  /**
   * The kind named {@code id} (as returned by {@link #id()}, case-insensitive).
   *
   * @throws IllegalArgumentException naming the allowed ids when there is no such kind
   */
  public static ProcessKind fromId(String id) {
    for (ProcessKind kind : values()) {
      if (kind.id().equalsIgnoreCase(id)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("'" + id + "' is not a process kind: expected one of"
        + " client, da-vinci-client, server, router, controller");
  }
}
