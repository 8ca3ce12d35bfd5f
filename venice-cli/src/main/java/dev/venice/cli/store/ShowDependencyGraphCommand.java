package dev.venice.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code venice show-dependency-graph} (seed project 31): the store dependency graph as an ASCII
 * DAG, top-down (the stores that read no store first, each store under the layer below everything
 * it reads, with "&lt;- the stores it reads"), then any cycles and missing stores; with {@code
 * --store} only the part connected to that store. The layout is the plugin's ({@code GET
 * /plugins/store-dependencies/graph[?store=S]}, its {@code text}); {@code --json} prints the whole
 * answer (stores with upstream lists and layers, cycles, missing stores).
 */
@Command(name = "show-dependency-graph", mixinStandardHelpOptions = true,
    description = "Show which stores read which as a top-down ASCII graph: layer 0 reads no"
        + " store, every store is listed once under its layer with the stores it reads"
        + " (store <- upstream), then cycles and missing (deleted) upstream stores. Needs"
        + " plugins.store-dependencies.enabled=true on the controllers. Exit status: 0 shown,"
        + " 1 no such store or the plugin is not on, 2 usage error.",
    footer = {"", "Stores in a cycle, or reading one, have no layer and are listed apart; a cycle"
        + " can only appear when two stores were changed at the same moment (see the plugin's"
        + " README).", "",
        "Examples:",
        "  venice show-dependency-graph",
        "  venice show-dependency-graph --store features",
        "  venice show-dependency-graph --json --controller http://c1:5555"})
public final class ShowDependencyGraphCommand extends StoreCommand.Base {
  @Option(names = {"-s", "--store"},
      description = {"Only the stores connected to this one (reading it or read by it, at any"
          + " distance).",
          "Example: --store features"})
  String store;

  @Override
  public Integer call() {
    JsonNode graph = ShowDependenciesCommand.ask(admin(), options.controllerUrl(), "graph"
        + (store == null ? "" : "?store=" + URLEncoder.encode(store, StandardCharsets.UTF_8)));
    print(graph, graph.path("text").asText());
    return 0;
  }
}
