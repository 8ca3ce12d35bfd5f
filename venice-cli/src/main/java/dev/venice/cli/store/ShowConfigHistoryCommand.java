package dev.venice.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.cli.CliException;
import dev.venice.cli.Output;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.controller.ControllerException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code venice show-config-history} (seed project 28): a store's configuration history as the
 * config-history controller plugin keeps it ({@code GET
 * /plugins/config-history/history?store=S[&limit=N]} on the controller, through {@link
 * ControllerClient#send}, which follows a standby's redirect): per entry, newest first, its
 * sequence number, time, operation, caller and the fields that changed with old and new values.
 * {@code --json} prints the endpoint's answer (with each entry's whole configuration). A store
 * without history, or a controller without the plugin, exits 1 with a message saying which.
 */
@Command(name = "show-config-history", mixinStandardHelpOptions = true,
    description = "Show who changed a store's configuration, when, and what changed: the last"
        + " entries (newest first) the config-history controller plugin keeps in ZooKeeper for"
        + " every store create, update and delete. Needs plugins.config-history.enabled=true on"
        + " the controllers. Exit status: 0 shown, 1 no history for the store or the plugin is"
        + " not on, 2 usage error.",
    footer = {"", "Changes are field paths: pluginSettings[\"plugins.x.y\"] is one plugin"
        + " setting, hybrid.rewindSeconds one hybrid field. --json adds each entry's whole"
        + " configuration after the change (\"config\").", "",
        "Examples:",
        "  venice show-config-history --store users",
        "  venice show-config-history --store users --limit 5",
        "  venice show-config-history --store users --json --controller http://c1:5555"})
public final class ShowConfigHistoryCommand extends StoreCommand.Base {
  private static final String PATH = "/plugins/config-history/history?store=";
  private static final int MAX_LIMIT = 1000;

  @Option(names = {"-s", "--store"}, required = true, description = {"Store name.",
      "Example: --store users"})
  String store;

  @Option(names = {"-n", "--limit"}, paramLabel = "N",
      description = {"Show at most the newest N entries, 1 to 1000 (default: every entry kept).",
          "Example: --limit 5"})
  Integer limit;

  @Override
  public Integer call() {
    if (limit != null && (limit < 1 || limit > MAX_LIMIT)) {
      throw new CliException("--limit " + limit + " is not allowed: expected 1 to " + MAX_LIMIT);
    }
    ControllerClient admin = admin();
    String path = PATH + URLEncoder.encode(store, StandardCharsets.UTF_8)
        + (limit == null ? "" : "&limit=" + limit);
    JsonNode history;
    try {
      history = admin.send("GET", path, null);
    } catch (ControllerException e) {
      if (e.status() == 404 && "NO_CONFIG_HISTORY".equals(e.errorType())) {
        throw new CliException(e.getMessage());
      }
      if (e.status() == 404) {
        throw new CliException("the config-history plugin is not started on the controller at "
            + options.controllerUrl() + " (set plugins.config-history.enabled=true; see venice"
            + " plugins list): " + e.getMessage());
      }
      throw e;
    }
    print(history, text(history));
    return 0;
  }

  /** The history as text: a header, then per entry a line and one indented line per change. */
  static String text(JsonNode history) {
    StringBuilder text = new StringBuilder();
    String nl = System.lineSeparator();
    JsonNode entries = history.path("history");
    text.append("config history of store ").append(history.path("store").asText()).append(": ")
        .append(entries.size()).append(" of ").append(history.path("entries").asInt())
        .append(" entries kept (at most ").append(history.path("maxEntries").asInt())
        .append("), newest first").append(nl);
    for (JsonNode e : entries) {
      text.append(nl).append('#').append(e.path("seq").asLong()).append("  ")
          .append(e.path("time").asText()).append("  ").append(e.path("operation").asText())
          .append("  by ").append(e.path("principal").asText()).append(" (")
          .append(e.path("address").asText()).append(')').append(nl);
      String detail = e.path("detail").asText("full");
      if (e.path("operation").asText().equals("DELETE_STORE")) {
        text.append("    store deleted").append(nl);
      } else if (e.path("changes").isEmpty()) {
        text.append(e.path("changeCount").asInt() == 0 ? "    no field changed"
            : "    " + e.path("changeCount").asInt() + " fields changed (details dropped for"
                + " size)").append(nl);
      }
      for (JsonNode c : e.path("changes")) {
        text.append("    ").append(c.path("field").asText()).append(": ");
        boolean values = c.has("old") || c.has("new");
        switch (c.path("change").asText()) {
          case "added" -> text.append("added").append(values ? " " + value(c.get("new")) : "");
          case "removed" -> text.append("removed")
              .append(values ? " (was " + value(c.get("old")) + ")" : "");
          default -> text.append(values ? value(c.get("old")) + " -> " + value(c.get("new"))
              : "changed");
        }
        text.append(nl);
      }
      if (!detail.equals("full")) {
        text.append("    (stored as ").append(detail).append(": too large for one ZooKeeper node)")
            .append(nl);
      }
    }
    return text.toString().stripTrailing();
  }

  private static String value(JsonNode value) {
    return value == null ? "null" : Output.json(value);
  }
}
