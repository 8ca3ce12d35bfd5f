package dev.venice.plugins.storedependencies;

import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The plugin's one key, {@code plugins.store-dependencies.upstream-stores}: set per store (it is
 * stored in the store's config znode with the rest of its settings, so the controller's store
 * update writes it atomically with them), the comma-separated names of the stores it reads from.
 *
 * @param upstreamStores the store's upstream stores, in declared order, no duplicates; empty when
 *     the key is not set
 */
record StoreDependenciesConfig(List<String> upstreamStores) {
  /** The key's name below {@code plugins.store-dependencies.}. */
  static final String UPSTREAM_STORES_NAME = "upstream-stores";
  /** The key's full name in a store's plugin settings. */
  static final String FULL_KEY = "plugins.store-dependencies." + UPSTREAM_STORES_NAME;
  /** A store name as the controller accepts it. */
  static final Pattern STORE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");

  static final ConfigKey<String> UPSTREAM_STORES = ConfigKey.string(UPSTREAM_STORES_NAME, null,
      "the stores this store reads from, comma-separated (e.g. raw-events,users); set per store");
  static final List<ConfigKey<?>> KEYS = List.of(UPSTREAM_STORES);

  StoreDependenciesConfig {
    upstreamStores = List.copyOf(upstreamStores);
  }

  /**
   * The settings of one store (or the process's, which have no upstream stores).
   *
   * @throws ConfigException naming the key when its value is malformed (see {@link #parse})
   */
  static StoreDependenciesConfig from(PluginConfig config) {
    return new StoreDependenciesConfig(parse(config.get(UPSTREAM_STORES)));
  }

  /**
   * Checks the key's format: {@link #parse} must accept it.
   *
   * @throws ConfigException naming {@link #FULL_KEY}, the bad name and what is allowed
   */
  static void validate(PluginConfig config) {
    parse(config.get(UPSTREAM_STORES));
  }

  /**
   * Parses an {@code upstream-stores} value: store names separated by commas, blanks around each
   * ignored; {@code null} or blank is no store.
   *
   * @return the names in the order given
   * @throws ConfigException naming {@link #FULL_KEY} when a name is empty ({@code a,,b}), not a
   *     valid store name ({@code [A-Za-z0-9][A-Za-z0-9_-]{0,127}}) or given twice
   */
  static List<String> parse(String raw) {
    if (raw == null || raw.isBlank()) {
      return List.of();
    }
    Set<String> names = new LinkedHashSet<>();
    for (String part : raw.split(",", -1)) {
      String name = part.strip();
      if (name.isEmpty()) {
        throw bad(raw, "an empty store name (two commas in a row, or a comma at an end)");
      }
      if (!STORE_NAME.matcher(name).matches()) {
        throw bad(raw, "'" + abbreviate(name) + "' is not a store name");
      }
      if (!names.add(name)) {
        throw bad(raw, "store " + name + " is named twice");
      }
    }
    return new ArrayList<>(names);
  }

  /** The value that {@link #parse} reads back as {@code names}: them joined by commas. */
  static String format(List<String> names) {
    return String.join(",", names);
  }

  private static ConfigException bad(String raw, String what) {
    return new ConfigException(FULL_KEY, "bad value '" + abbreviate(raw) + "' for " + FULL_KEY
        + ": " + what + "; expected store names separated by commas, each 1 to 128 letters,"
        + " digits, '_' or '-' starting with a letter or digit, none twice");
  }

  private static String abbreviate(String text) {
    return text.length() <= 140 ? text : text.substring(0, 137) + "...";
  }
}
