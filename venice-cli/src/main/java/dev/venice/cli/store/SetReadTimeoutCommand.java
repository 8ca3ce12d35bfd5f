package dev.venice.cli.store;

import dev.venice.runtime.common.meta.Store;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code venice set-read-timeout}: sets or removes a store's read timeout, the {@code read-timeout}
 * client decorator's store setting {@code plugins.read-timeout.read-timeout-ms} (seed project 49's
 * {@code set-read-timeout}), through the controller's store update. The controller checks the
 * value against the plugin's rules (whole milliseconds from 1 to 600000); running clients pick the
 * change up with their next metadata refresh, without a restart.
 */
@Command(name = "set-read-timeout", mixinStandardHelpOptions = true,
    description = "Set or remove a store's read timeout (the read-timeout client decorator's"
        + " plugins.read-timeout.read-timeout-ms). Running clients with the decorator switched on"
        + " pick it up with their next metadata refresh, without a restart.",
    footer = {"", "Examples:",
        "  venice set-read-timeout --store users --timeout-ms 50",
        "  venice set-read-timeout --store users --unset"})
public final class SetReadTimeoutCommand extends StoreCommand.Base {
  /** The store setting this command writes. */
  static final String KEY = "plugins.read-timeout.read-timeout-ms";

  @Option(names = {"-s", "--store"}, required = true, description = {"Store name.",
      "Example: --store users"})
  String store;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Change change;

  /** Exactly one of a new timeout or its removal. */
  static final class Change {
    @Option(names = "--timeout-ms", required = true, paramLabel = "MS",
        description = {"The store's read timeout in whole milliseconds (1 to 600000).",
            "Example: --timeout-ms 50"})
    Integer millis;

    @Option(names = "--unset", required = true,
        description = {"Remove the store's read timeout: clients use their global timeout.",
            "Example: --unset"})
    boolean unset;
  }

  @Override
  public Integer call() {
    Map<String, Object> settings = new HashMap<>();
    settings.put(KEY, change.unset ? null : String.valueOf(change.millis)); // null removes it
    Store updated = admin().updateStore(store, Map.of("pluginSettings", settings));
    String now = updated.pluginSettings().get(KEY);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("store", updated.name());
    json.put("readTimeoutMs", now == null ? null : Integer.valueOf(now.trim()));
    print(json, now == null
        ? "store " + updated.name() + ": read timeout removed; clients use their global timeout"
        : "store " + updated.name() + ": read timeout " + now + " ms");
    return 0;
  }
}
