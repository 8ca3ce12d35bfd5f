package dev.venice.runtime.common.plugin;

import dev.venice.runtime.common.plugin.Hooks.Guarded;
import dev.venice.spi.http.PluginHttpEndpoint;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP endpoints started plugins contribute, served by a host's admin server under {@code
 * /plugins/<id>/}. A request goes to the endpoint of that plugin whose path is the longest prefix
 * of the request's path; a handler that throws yields a 500 naming the plugin, and is counted.
 */
public final class PluginEndpoints {
  private final Map<String, List<Guarded<PluginHttpEndpoint>>> byPlugin;

  PluginEndpoints(Map<String, List<Guarded<PluginHttpEndpoint>>> byPlugin) {
    this.byPlugin = Map.copyOf(byPlugin);
  }

  /**
   * One endpoint a started plugin contributed.
   *
   * @param pluginId the plugin's id: the endpoint is served under {@code /plugins/<id>/}
   * @param path the path the endpoint declared, relative to that prefix ({@code ""}: all of it)
   */
  public record Mounted(String pluginId, String path) {}

  /**
   * Every endpoint of the started plugins (in no set order), for listings of a host's
   * routes (such as the OpenAPI drift test). Thread-safe: this object never changes.
   */
  public List<Mounted> mounted() {
    List<Mounted> all = new ArrayList<>();
    byPlugin.forEach((id, endpoints) -> endpoints.forEach(
        e -> all.add(new Mounted(id, e.hook().path()))));
    return List.copyOf(all);
  }

  /**
   * Routes a request to a plugin's endpoint.
   *
   * @param pluginId the {@code <id>} of {@code /plugins/<id>/...}
   * @param request the request, its path relative to {@code /plugins/<id>/}
   * @return the answer, or empty when the plugin is not started or has no endpoint for the path
   */
  public Optional<PluginHttpResponse> handle(String pluginId, PluginHttpRequest request) {
    Guarded<PluginHttpEndpoint> best = null;
    for (Guarded<PluginHttpEndpoint> candidate : byPlugin.getOrDefault(pluginId, List.of())) {
      String path = candidate.hook().path();
      boolean matches = path.isEmpty() || request.path().equals(path)
          || request.path().startsWith(path + "/");
      if (matches && (best == null || path.length() > best.hook().path().length())) {
        best = candidate;
      }
    }
    if (best == null) {
      return Optional.empty();
    }
    PluginHttpResponse failed = PluginHttpResponse.text(500,
        "plugin " + pluginId + ": endpoint /" + best.hook().path() + " failed; see the host log");
    return Optional.of(best.guard().apply("http", best.hook(), request,
        PluginHttpEndpoint::handle, failed));
  }
}
