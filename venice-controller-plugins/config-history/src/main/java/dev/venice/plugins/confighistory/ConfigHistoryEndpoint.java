package dev.venice.plugins.confighistory;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.plugins.confighistory.HistoryCodec.UnreadableHistoryException;
import dev.venice.plugins.confighistory.HistoryEntry.Change;
import dev.venice.plugins.confighistory.HistoryEntry.Kind;
import dev.venice.plugins.confighistory.StoreConfigHistory.History;
import dev.venice.spi.http.PluginHttpEndpoint;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /plugins/config-history/history?store=S[&limit=N]} on the controller's admin port: the
 * store's configuration history, newest first, at most {@code limit} entries (default: all kept):
 *
 * <pre>{@code
 * {"store": "users", "entries": 20, "maxEntries": 20, "bytes": 5123, "version": 41,
 *  "zxid": 4294967391,
 *  "history": [
 *    {"seq": 41, "time": "2026-12-02T01:02:03.456Z", "timeMs": 1764637323456,
 *     "afterZxid": 4294967380, "principal": "alice", "address": "10.0.0.7:53412",
 *     "operation": "UPDATE_STORE", "detail": "full", "changeCount": 2,
 *     "changes": [
 *       {"field": "hybrid.rewindSeconds", "path": ["hybrid", "rewindSeconds"],
 *        "change": "changed", "old": 3600, "new": 7200},
 *       {"field": "pluginSettings[\"plugins.hedging.delay\"]",
 *        "path": ["pluginSettings", "plugins.hedging.delay"], "change": "added", "new": "5ms"}],
 *     "config": {the store's configuration after the change, or null}}, ...]}
 * }</pre>
 *
 * <p>{@code entries} is how many the store's node holds, {@code bytes} its size, {@code version}
 * and {@code zxid} its ZooKeeper data version and last transaction id (those of the newest
 * entry's write). An entry's {@code old} is absent when the field was added, {@code new} when it
 * was removed; {@code detail} other than {@code full} says what was left out for size (see {@link
 * HistoryEntry.Detail}). A {@code DELETE_STORE} entry has no changes and a null {@code config}.
 *
 * <p>Errors, as {@code {"error": ..., "errorType": ..., "parameter": ...}}: 405 for another
 * method; 400 when {@code store} is missing or not a valid store name, or {@code limit} is not 1
 * to 1000; 404 ({@code NO_CONFIG_HISTORY}) naming the store when it has no history; 500 when the
 * history cannot be read (written by a newer plugin version). Each names the parameter.
 * Thread-safe: each call reads ZooKeeper.
 */
final class ConfigHistoryEndpoint implements PluginHttpEndpoint {
  static final int MAX_LIMIT = 1000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final StoreConfigHistory history;

  ConfigHistoryEndpoint(StoreConfigHistory history) {
    this.history = history;
  }

  @Override
  public String path() {
    return "history";
  }

  @Override
  public PluginHttpResponse handle(PluginHttpRequest request) throws Exception {
    if (!request.method().equals("GET")) {
      return error(405, "METHOD_NOT_ALLOWED", "method", request.method()
          + " is not allowed: use GET");
    }
    String store = request.queryParameter("store").map(String::strip).orElse("");
    if (store.isEmpty()) {
      return error(400, "BAD_REQUEST", "store", "the store parameter is missing: GET"
          + " /plugins/config-history/history?store=S[&limit=N]");
    }
    if (!StoreConfigHistory.STORE_NAME.matcher(store).matches()) {
      return error(400, "BAD_REQUEST", "store", "store name '" + abbreviate(store)
          + "' is invalid: use 1 to 128 letters, digits, '_' or '-', starting with a letter or"
          + " digit");
    }
    int limit = MAX_LIMIT;
    Optional<String> l = request.queryParameter("limit");
    if (l.isPresent()) {
      Integer n = number(l.get());
      if (n == null) {
        return error(400, "BAD_REQUEST", "limit", "limit " + abbreviate(l.get())
            + " is not a number from 1 to " + MAX_LIMIT);
      }
      limit = n;
    }
    Optional<History> found;
    try {
      found = history.read(store, limit);
    } catch (UnreadableHistoryException e) {
      return error(500, "UNREADABLE_CONFIG_HISTORY", "store", "the config history of store "
          + store + " cannot be read: " + e.getMessage());
    }
    if (found.isEmpty()) {
      return error(404, "NO_CONFIG_HISTORY", "store", "store " + store + " has no config"
          + " history: no store-config change was recorded for it while the config-history"
          + " plugin was on (or the store does not exist)");
    }
    return PluginHttpResponse.json(200, JSON.writeValueAsString(body(found.get())));
  }

  private Map<String, Object> body(History found) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("store", found.store());
    body.put("entries", found.entries());
    body.put("maxEntries", history.maxEntries());
    body.put("bytes", found.node().data().length);
    body.put("version", found.node().version());
    body.put("zxid", found.node().modifiedZxid());
    List<Map<String, Object>> entries = new ArrayList<>();
    for (HistoryEntry e : found.newestFirst()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("seq", e.seq());
      entry.put("time", Instant.ofEpochMilli(e.timeMs()).toString());
      entry.put("timeMs", e.timeMs());
      entry.put("afterZxid", e.afterZxid());
      entry.put("principal", e.principal());
      entry.put("address", e.address());
      entry.put("operation", e.operation());
      entry.put("detail", e.detail().code);
      entry.put("changeCount", e.changeCount());
      List<Map<String, Object>> changes = new ArrayList<>();
      for (Change c : e.changes()) {
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("field", c.field());
        change.put("path", c.path());
        change.put("change", c.kind().word);
        if (e.detail().compareTo(HistoryEntry.Detail.NO_VALUES) < 0) {
          if (c.kind() != Kind.ADDED) {
            change.put("old", c.oldValue());
          }
          if (c.kind() != Kind.REMOVED) {
            change.put("new", c.newValue());
          }
        }
        changes.add(change);
      }
      entry.put("changes", changes);
      entry.put("config", e.config());
      entries.add(entry);
    }
    body.put("history", entries);
    return body;
  }

  private static Integer number(String raw) {
    try {
      int n = Integer.parseInt(raw.strip());
      return n < 1 || n > MAX_LIMIT ? null : n;
    } catch (NumberFormatException e) {
      return null;
    }
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
