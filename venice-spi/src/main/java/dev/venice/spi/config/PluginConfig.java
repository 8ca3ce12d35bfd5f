package dev.venice.spi.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A plugin's validated configuration: every key it declared, parsed, with defaults filled in.
 * Instances are immutable; {@link #withOverrides} layers a store's settings on top.
 */
public final class PluginConfig {
  private final String pluginId;
  private final Map<String, ConfigKey<?>> keys;
  private final Map<String, Object> values;

  private PluginConfig(
      String pluginId, Map<String, ConfigKey<?>> keys, Map<String, Object> values) {
    this.pluginId = pluginId;
    this.keys = keys;
    this.values = values;
  }

  /**
   * Validates raw values against the declared keys.
   *
   * @param pluginId the plugin id, used to name keys in messages ({@code plugins.<id>.<key>})
   * @param declared the keys the plugin accepts
   * @param raw the raw values, keyed by name relative to {@code plugins.<id>.}
   * @throws ConfigException naming the first unknown key or bad value, with the allowed values
   */
  public static PluginConfig of(
      String pluginId, Collection<ConfigKey<?>> declared, Map<String, String> raw) {
    Map<String, ConfigKey<?>> keys = new LinkedHashMap<>();
    for (ConfigKey<?> key : declared) {
      if (keys.put(key.name(), key) != null) {
        throw new IllegalArgumentException(
            "plugin " + pluginId + " declares config key '" + key.name() + "' twice");
      }
    }
    return new PluginConfig(pluginId, Map.copyOf(keys), Map.of()).withOverrides(raw);
  }

  /**
   * Returns a configuration with {@code raw} values layered over this one (for example a store's
   * {@code plugins.<id>.<key>} settings over the process's).
   *
   * @throws ConfigException naming the first unknown key or bad value
   */
  public PluginConfig withOverrides(Map<String, String> raw) {
    return layered(raw, false);
  }

  /**
   * Returns a configuration with one store's {@code raw} settings layered over this one. Like
   * {@link #withOverrides}, and also refuses a key that is {@linkplain ConfigKey#processOnly()
   * process-only}.
   *
   * @param store the store the settings belong to, named in messages
   * @param raw the store's values, keyed by name relative to {@code plugins.<id>.}
   * @throws ConfigException naming the store, the first unknown, process-only or bad key, its value
   *     and what is allowed
   * @since 1.1.0
   */
  public PluginConfig withStoreOverrides(String store, Map<String, String> raw) {
    try {
      return layered(raw, true);
    } catch (ConfigException e) {
      throw new ConfigException(e.key(), "store " + store + ": " + e.getMessage());
    }
  }

  private PluginConfig layered(Map<String, String> raw, boolean forStore) {
    Map<String, Object> merged = new TreeMap<>(values);
    for (Map.Entry<String, String> e : new TreeMap<>(raw).entrySet()) {
      ConfigKey<?> key = keys.get(e.getKey());
      if (key == null) {
        throw new ConfigException(fullKey(e.getKey()),
            "unknown configuration key " + fullKey(e.getKey()) + "; plugin " + pluginId
                + " accepts " + describeKeys());
      }
      if (forStore && !key.storeOverridable()) {
        throw new ConfigException(fullKey(key.name()), fullKey(key.name())
            + " is set per process only; remove it from the store's settings");
      }
      try {
        merged.put(key.name(), key.parse(e.getValue()));
      } catch (IllegalArgumentException bad) {
        throw new ConfigException(fullKey(key.name()),
            "bad value '" + e.getValue() + "' for " + fullKey(key.name()) + ": expected "
                + key.allowedValues());
      }
    }
    return new PluginConfig(pluginId, keys, Map.copyOf(merged));
  }

  /** The value of {@code key}, or its default when it was not set. */
  public <T> T get(ConfigKey<T> key) {
    ConfigKey<?> declared = keys.get(key.name());
    if (declared != key) {
      throw new IllegalArgumentException(
          "plugin " + pluginId + " did not declare config key " + key.name());
    }
    @SuppressWarnings("unchecked")
    T value = (T) values.get(key.name());
    return value != null ? value : key.defaultValue();
  }

  /** Whether {@code key} was set explicitly rather than left at its default. */
  public boolean isSet(ConfigKey<?> key) {
    return values.containsKey(key.name());
  }

  /** The id of the plugin this configuration belongs to. */
  public String pluginId() {
    return pluginId;
  }

  /** The declared keys, by name. */
  public Map<String, ConfigKey<?>> keys() {
    return keys;
  }

  private String fullKey(String name) {
    return "plugins." + pluginId + "." + name;
  }

  private String describeKeys() {
    if (keys.isEmpty()) {
      return "no keys besides 'enabled'";
    }
    return keys.values().stream().map(k -> k.name() + " (" + k.allowedValues() + ")")
        .sorted().collect(Collectors.joining(", "));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PluginConfig c && c.pluginId.equals(pluginId) && c.values.equals(values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(pluginId, values);
  }

  @Override
  public String toString() {
    return "plugins." + pluginId + " " + values;
  }
}
