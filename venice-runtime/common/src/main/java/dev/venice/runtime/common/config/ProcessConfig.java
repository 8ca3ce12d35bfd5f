package dev.venice.runtime.common.config;

import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.ConfigKey;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A process's validated configuration. Keys under {@code plugins.} are passed through untouched for
 * the plugin manager; every other key must be one the process declares, with a valid value, or
 * startup fails with a {@link ConfigException} naming the key (and the file it came from).
 */
public final class ProcessConfig {
  private final String process;
  private final Map<String, Object> values;
  private final Map<String, String> raw;

  private ProcessConfig(String process, Map<String, Object> values, Map<String, String> raw) {
    this.process = process;
    this.values = values;
    this.raw = raw;
  }

  /**
   * Validates {@code raw} against {@code keys}.
   *
   * @param process the process kind, for messages ("controller")
   * @param keys the keys it accepts
   * @param required the keys that have no default and must be set
   * @param raw the raw settings
   * @throws ConfigException naming the first unknown, missing or bad key
   */
  public static ProcessConfig of(String process, Collection<ConfigKey<?>> keys,
      Set<ConfigKey<?>> required, Map<String, String> raw) {
    Map<String, ConfigKey<?>> byName = new LinkedHashMap<>();
    keys.forEach(k -> byName.put(k.name(), k));
    Map<String, Object> values = new HashMap<>();
    for (Map.Entry<String, String> e : new TreeMap<>(raw).entrySet()) {
      if (e.getKey().startsWith("plugins.")) {
        continue;
      }
      ConfigKey<?> key = byName.get(e.getKey());
      if (key == null) {
        throw new ConfigException(e.getKey(), "unknown configuration key " + e.getKey()
            + " for the " + process + "; it accepts " + byName.keySet().stream().sorted()
            .collect(Collectors.joining(", ")) + " and plugins.<id>.<key>");
      }
      try {
        values.put(key.name(), key.parse(e.getValue()));
      } catch (IllegalArgumentException bad) {
        throw new ConfigException(key.name(), "bad value '" + e.getValue() + "' for " + key.name()
            + ": expected " + key.allowedValues());
      }
    }
    for (ConfigKey<?> key : required) {
      if (!values.containsKey(key.name())) {
        throw new ConfigException(key.name(), "missing configuration key " + key.name()
            + " for the " + process + ": " + key.description());
      }
    }
    return new ProcessConfig(process, Map.copyOf(values), Map.copyOf(raw));
  }

  /** Reads a properties file; errors name the file. */
  public static Map<String, String> load(Path file) throws IOException {
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      props.load(in);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null, "configuration file not found");
    } catch (IllegalArgumentException e) {
      throw new IOException("configuration file " + file + " is malformed: " + e.getMessage(), e);
    }
    Map<String, String> map = new TreeMap<>();
    props.stringPropertyNames().forEach(name -> map.put(name.trim(), props.getProperty(name).trim()));
    return map;
  }

  /** The value of {@code key}, or its default. */
  public <T> T get(ConfigKey<T> key) {
    @SuppressWarnings("unchecked")
    T value = (T) values.get(key.name());
    return value != null ? value : key.defaultValue();
  }

  /** Every raw setting, {@code plugins.*} included (for the plugin manager). */
  public Map<String, String> raw() {
    return raw;
  }

  @Override
  public String toString() {
    return process + " " + values;
  }
}
