package dev.venice.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.CliException;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.controller.ControllerException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code venice show-dependencies} (seed project 31): the stores a store reads from (upstream) or
 * that read it (downstream), directly or transitively, as the store-dependencies controller plugin
 * computes them from every store's {@code plugins.store-dependencies.upstream-stores} setting
 * ({@code GET /plugins/store-dependencies/dependencies?store=S&direction=D&transitive=T} through
 * {@link ControllerClient#send}). A store that does not exist, or a controller without the plugin,
 * exits 1 with one line saying which.
 */
@Command(name = "show-dependencies", mixinStandardHelpOptions = true,
    description = "Show the stores a store reads from (upstream, the default) or the stores that"
        + " read it (downstream), directly or through other stores (--transitive), as declared"
        + " with venice set-dependencies. Needs plugins.store-dependencies.enabled=true on the"
        + " controllers. Exit status: 0 shown, 1 no such store or the plugin is not on, 2 usage"
        + " error.",
    footer = {"", "Transitive lists are nearest first. Upstream stores that were deleted since"
        + " they were declared are listed as missing.", "",
        "Examples:",
        "  venice show-dependencies --store features",
        "  venice show-dependencies --store raw-events --direction downstream --transitive",
        "  venice show-dependencies --store features --transitive --json"})
public final class ShowDependenciesCommand extends StoreCommand.Base {
  /** The plugin's endpoints below the controller's admin root. */
  static final String PLUGIN_PATH = "/plugins/store-dependencies/";

  @Option(names = {"-s", "--store"}, required = true, description = {"Store name.",
      "Example: --store raw-events"})
  String store;

  @Option(names = "--direction", paramLabel = "upstream|downstream", defaultValue = "upstream",
      description = {"upstream: the stores it reads; downstream: the stores that read it"
          + " (default: ${DEFAULT-VALUE}).",
          "Example: --direction downstream"})
  String direction;

  @Option(names = "--transitive", description = {"Also the stores reached through other stores.",
      "Example: --transitive"})
  boolean transitive;

  @Override
  public Integer call() {
    if (!direction.equals("upstream") && !direction.equals("downstream")) {
      throw new CliException("--direction " + direction + " is not allowed: expected upstream"
          + " or downstream");
    }
    JsonNode answer = ask(admin(), options.controllerUrl(), "dependencies?store="
        + URLEncoder.encode(store, StandardCharsets.UTF_8) + "&direction=" + direction
        + "&transitive=" + transitive);
    List<String> stores = new ArrayList<>();
    answer.path("stores").forEach(s -> stores.add(s.asText()));
    List<String> missing = new ArrayList<>();
    answer.path("missing").forEach(s -> missing.add(s.asText()));
    String what = (transitive ? "all " : "") + direction + " stores of " + store
        + (direction.equals("upstream") ? " (the stores it reads)" : " (the stores that read it)");
    String text = stores.isEmpty() ? "store " + store + " has no " + direction + " stores"
        : what + ": " + String.join(", ", stores);
    if (!missing.isEmpty()) {
      text += System.lineSeparator() + "missing (declared, do not exist): "
          + String.join(", ", missing);
    }
    print(answer, text);
    return 0;
  }

  /**
   * Asks the store-dependencies plugin on the controller: {@code GET
   * /plugins/store-dependencies/<pathAndQuery>}.
   *
   * @throws CliException naming the store when it does not exist (404 {@code NO_SUCH_STORE}), or
   *     saying the plugin is not on when the controller has no such endpoint (another 404)
   * @throws ControllerException for any other refusal or an unreachable controller
   */
  static JsonNode ask(ControllerClient admin, String controllerUrl, String pathAndQuery) {
    try {
      return admin.send("GET", PLUGIN_PATH + pathAndQuery, null);
    } catch (ControllerException e) {
      if (e.status() == 404 && "NO_SUCH_STORE".equals(e.errorType())) {
        throw new CliException(e.getMessage());
      }
      if (e.status() == 404) {
        throw new CliException("the store-dependencies plugin is not started on the controller"
            + " at " + controllerUrl + " (set plugins.store-dependencies.enabled=true; see venice"
            + " plugins list): " + e.getMessage());
      }
      throw e;
    }
  }
}
