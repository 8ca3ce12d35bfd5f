package dev.venice.cli.store;

import dev.venice.cli.CliException;
import dev.venice.runtime.common.controller.ControllerException;
import dev.venice.runtime.common.meta.Store;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code venice set-dependencies} (seed project 31): declares the stores a store reads from, as
 * its {@code plugins.store-dependencies.upstream-stores} setting, through the controller's store
 * update ({@code PATCH /stores/{store}}, so it is written atomically with the store's config);
 * {@code --none} removes the setting. The store-dependencies plugin on the leader controller
 * refuses a store naming itself, a store that does not exist or a cycle (exit 1 with the
 * controller's reason, e.g. the cycle {@code a -> c -> b -> a}).
 */
@Command(name = "set-dependencies", mixinStandardHelpOptions = true,
    description = "Declare which stores a store reads from (its upstream stores), replacing what"
        + " it declared before, or clear them with --none. The controller refuses a store that"
        + " does not exist, the store itself and a declaration that would make a cycle. Needs"
        + " plugins.store-dependencies.enabled=true on the controllers. Exit status: 0 set,"
        + " 1 refused, 2 usage error.",
    footer = {"", "Deleting a store that others declare upstream is not refused: venice store"
        + " delete shows the stores that read it and asks first.", "",
        "Examples:",
        "  venice set-dependencies --store features --upstream raw-events,users",
        "  venice set-dependencies --store features --none",
        "  venice set-dependencies --store features --upstream raw-events --json"})
public final class SetDependenciesCommand extends StoreCommand.Base {
  /** The store setting holding the upstream stores. */
  static final String KEY = "plugins.store-dependencies.upstream-stores";

  @Option(names = {"-s", "--store"}, required = true, description = {"Store name.",
      "Example: --store features"})
  String store;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Upstream upstream;

  /** Either the list or {@code --none}. */
  static final class Upstream {
    @Option(names = "--upstream", paramLabel = "STORE[,STORE...]",
        description = {"The stores it reads from, comma-separated.",
            "Example: --upstream raw-events,users"})
    String stores;

    @Option(names = "--none", description = {"It reads no store: remove the declaration.",
        "Example: --none"})
    boolean none;
  }

  @Override
  public Integer call() {
    String value = upstream.none ? null : upstream.stores.strip();
    if (value != null && value.isEmpty()) {
      throw new CliException("--upstream is empty: name at least one store, or use --none");
    }
    Map<String, Object> settings = new HashMap<>(); // a null value removes the key
    settings.put(KEY, value);
    Store updated;
    try {
      updated = admin().updateStore(store, Map.of("pluginSettings", settings));
    } catch (ControllerException e) {
      if (e.status() == 404) {
        throw new CliException("store " + store + " does not exist");
      }
      throw e; // a veto (403) or a malformed list (400): the controller's reason names the store
    }
    String now = updated.pluginSettings().get(KEY);
    List<String> stores = now == null || now.isBlank() ? List.of()
        : List.of(now.split("\\s*,\\s*"));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("store", store);
    json.put("upstream", stores);
    print(json, stores.isEmpty() ? "store " + store + " now reads no store"
        : "store " + store + " now reads " + String.join(", ", stores));
    return 0;
  }
}
