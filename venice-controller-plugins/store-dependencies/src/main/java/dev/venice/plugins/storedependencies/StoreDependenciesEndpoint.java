package dev.venice.plugins.storedependencies;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.http.PluginHttpEndpoint;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * The plugin's read endpoints on the controller's admin port (any controller; a standby answers
 * from the same ZooKeeper data), both {@code GET}:
 *
 * <p>{@code /plugins/store-dependencies/dependencies?store=S[&direction=upstream|downstream]
 * [&transitive=true|false]} (defaults: upstream, not transitive): the stores S reads from
 * (upstream) or that read S (downstream), directly or through any number of stores, nearest
 * first; {@code missing} lists the names S declares upstream that are no store (upstream only):
 *
 * <pre>{@code
 * {"store": "c", "direction": "upstream", "transitive": true, "stores": ["b", "a"],
 *  "missing": []}
 * }</pre>
 *
 * <p>{@code /plugins/store-dependencies/graph[?store=S]}: every store (with {@code store}, only
 * the part connected to S) with its declared upstream stores (missing ones included) and its
 * top-down layer ({@code null} in or below a cycle), the cycles as paths ({@code ["a", "b",
 * "a"]}), the missing stores with the stores that name them, and the ASCII rendering ({@link
 * DependencyGraph#render}) that {@code venice show-dependency-graph} prints:
 *
 * <pre>{@code
 * {"stores": [{"store": "a", "upstream": [], "layer": 0},
 *             {"store": "b", "upstream": ["a", "gone"], "layer": 1}],
 *  "cycles": [], "missing": [{"store": "gone", "namedBy": ["b"]}], "layers": 2,
 *  "text": "2 stores, ..."}
 * }</pre>
 *
 * <p>Errors, as {@code {"error": ..., "errorType": ..., "parameter": ...}}: 405 for another
 * method; 404 for another path; 400 ({@code BAD_REQUEST}) naming the parameter when {@code store}
 * is missing (dependencies) or not a store name, {@code direction} is not upstream or downstream,
 * or {@code transitive} not true or false; 404 ({@code NO_SUCH_STORE}) naming a store that does
 * not exist. Thread-safe: each call builds the graph afresh ({@link UpstreamSource#graph()}).
 */
final class StoreDependenciesEndpoint implements PluginHttpEndpoint {
  /** The sub-path of the dependencies query. */
  static final String DEPENDENCIES = "dependencies";
  /** The sub-path of the graph. */
  static final String GRAPH = "graph";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final UpstreamSource source;

  StoreDependenciesEndpoint(UpstreamSource source) {
    this.source = source;
  }

  /** Every path below {@code /plugins/store-dependencies/}: the two are told apart in handle. */
  @Override
  public String path() {
    return "";
  }

  @Override
  public PluginHttpResponse handle(PluginHttpRequest request) throws Exception {
    if (!request.method().equals("GET")) {
      return error(405, "METHOD_NOT_ALLOWED", "method", request.method()
          + " is not allowed: use GET");
    }
    String path = request.path().replaceAll("/+$", "");
    return switch (path) {
      case DEPENDENCIES -> dependencies(request);
      case GRAPH -> graph(request);
      default -> error(404, "NOT_FOUND", "path", "no endpoint /plugins/store-dependencies/" + path
          + ": use GET /plugins/store-dependencies/dependencies?store=S or"
          + " /plugins/store-dependencies/graph");
    };
  }

  private PluginHttpResponse dependencies(PluginHttpRequest request) throws Exception {
    Optional<String> store = request.queryParameter("store").map(String::strip);
    if (store.isEmpty() || store.get().isEmpty()) {
      return error(400, "BAD_REQUEST", "store", "the store parameter is missing: GET"
          + " /plugins/store-dependencies/dependencies?store=S[&direction=upstream|downstream]"
          + "[&transitive=true]");
    }
    PluginHttpResponse bad = badStore(store.get());
    if (bad != null) {
      return bad;
    }
    String direction = request.queryParameter("direction").map(String::strip).orElse("upstream");
    if (!direction.equals("upstream") && !direction.equals("downstream")) {
      return error(400, "BAD_REQUEST", "direction", "direction '" + abbreviate(direction)
          + "' is not allowed: use upstream or downstream");
    }
    String transitiveRaw = request.queryParameter("transitive").map(String::strip)
        .orElse("false");
    if (!transitiveRaw.equals("true") && !transitiveRaw.equals("false")) {
      return error(400, "BAD_REQUEST", "transitive", "transitive '" + abbreviate(transitiveRaw)
          + "' is not allowed: use true or false");
    }
    boolean transitive = transitiveRaw.equals("true");
    DependencyGraph graph = source.graph();
    if (!graph.exists(store.get())) {
      return noSuchStore(store.get());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("store", store.get());
    body.put("direction", direction);
    body.put("transitive", transitive);
    body.put("stores", direction.equals("upstream") ? graph.upstream(store.get(), transitive)
        : graph.downstream(store.get(), transitive));
    body.put("missing", direction.equals("upstream") ? graph.missingUpstream(store.get())
        : List.of());
    return PluginHttpResponse.json(200, JSON.writeValueAsString(body));
  }

  private PluginHttpResponse graph(PluginHttpRequest request) throws Exception {
    Optional<String> store = request.queryParameter("store").map(String::strip)
        .filter(s -> !s.isEmpty());
    if (store.isPresent()) {
      PluginHttpResponse bad = badStore(store.get());
      if (bad != null) {
        return bad;
      }
    }
    DependencyGraph graph = source.graph();
    if (store.isPresent()) {
      if (!graph.exists(store.get())) {
        return noSuchStore(store.get());
      }
      graph = graph.component(store.get());
    }
    SortedMap<String, Integer> layers = graph.layers();
    List<Map<String, Object>> stores = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : graph.asMap().entrySet()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("store", e.getKey());
      row.put("upstream", e.getValue());
      row.put("layer", layers.get(e.getKey()));
      stores.add(row);
    }
    List<Map<String, Object>> missing = new ArrayList<>();
    graph.missing().forEach((name, by) -> missing.add(Map.of("store", name, "namedBy",
        List.copyOf(by))));
    Map<String, Object> body = new LinkedHashMap<>();
    store.ifPresent(s -> body.put("store", s));
    body.put("stores", stores);
    body.put("cycles", graph.cycles());
    body.put("missing", missing);
    body.put("layers", layers.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1);
    body.put("text", graph.render());
    return PluginHttpResponse.json(200, JSON.writeValueAsString(body));
  }

  /** A 400 naming {@code store} when it is not a store name, else {@code null}. */
  private static PluginHttpResponse badStore(String store) throws Exception {
    if (StoreDependenciesConfig.STORE_NAME.matcher(store).matches()) {
      return null;
    }
    return error(400, "BAD_REQUEST", "store", "store name '" + abbreviate(store) + "' is invalid:"
        + " use 1 to 128 letters, digits, '_' or '-', starting with a letter or digit");
  }

  private static PluginHttpResponse noSuchStore(String store) throws Exception {
    return error(404, "NO_SUCH_STORE", "store", "store " + store + " does not exist");
  }

  private static String abbreviate(String text) {
    return text.length() <= 140 ? text : text.substring(0, 137) + "...";
  }

  private static PluginHttpResponse error(int status, String type, String parameter,
      String message) throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    body.put("errorType", type);
    body.put("parameter", parameter);
    return PluginHttpResponse.json(status, JSON.writeValueAsString(body));
  }
}
