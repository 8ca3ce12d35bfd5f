package dev.venice.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.controller.ControllerException;

/**
 * Reading a controller plugin's admin endpoint ({@code GET /plugins/<id>/...}) for the commands
 * that show what a controller plugin reports: a 404 means the plugin is not running there, which
 * the user is told with the key that switches it on.
 */
public final class ControllerPlugins {
  private ControllerPlugins() {}

  /**
   * The JSON answer of {@code GET /plugins/<pluginId>/<path>} on {@code controllerUrl}.
   *
   * @param path below the plugin's root, with its query if any, e.g. {@code events?limit=20}
   * @throws CliException when it answers 404: the plugin is not running on that controller
   * @throws ControllerException for any other refusal or an unreachable controller
   */
  public static JsonNode get(String controllerUrl, String pluginId, String path) {
    String resource = "/plugins/" + pluginId + "/" + path;
    try {
      return new ControllerClient(controllerUrl).send("GET", resource, null);
    } catch (ControllerException e) {
      if (e.status() == 404) {
        throw new CliException("the " + pluginId + " plugin is not running on the controller at "
            + controllerUrl + " (GET " + resource + " answered 404); enable it with plugins."
            + pluginId + ".enabled=true on every controller");
      }
      throw e;
    }
  }

  /**
   * The leader controller's admin URL as {@code given} knows it ({@code GET /cluster}), for a
   * report only the leader's task makes; {@code given} when no leader is elected.
   */
  public static String leaderUrl(String given) {
    JsonNode leader = new ControllerClient(given).cluster().path("leader");
    return leader.isTextual() && !leader.asText().isBlank() ? leader.asText() : given;
  }
}
