package dev.venice.plugins.confighistory;

import dev.venice.spi.controller.AdminMutation;
import dev.venice.spi.controller.AdminOperation;
import dev.venice.spi.controller.AdminOutcome;
import dev.venice.spi.controller.Caller;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Store states and admin mutations as the controller reports them, for the tests. */
final class Mutations {
  static final Instant T0 = Instant.ofEpochMilli(1_764_600_000_000L);

  private Mutations() {}

  /** A store's state as the controller reports it, with {@code settings} as its plugin settings. */
  static Map<String, Object> store(String name, int versionsToPreserve,
      Map<String, String> settings, Map<String, Object> hybrid) {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("name", name);
    state.put("keySchema", "\"string\"");
    state.put("partitionCount", 2);
    state.put("replicationFactor", 1);
    state.put("compressionStrategy", "NO_OP");
    state.put("hybrid", hybrid);
    state.put("schemaCompatibility", "FULL");
    state.put("numVersionsToPreserve", versionsToPreserve);
    state.put("currentVersion", 3);
    state.put("largestUsedVersion", 3);
    state.put("versions", java.util.List.of(Map.of("number", 3, "status", "ONLINE")));
    state.put("pluginSettings", new TreeMap<>(settings));
    state.put("createdAtMs", T0.toEpochMilli());
    return state;
  }

  /** A successful mutation of {@code store} from {@code before} to {@code after} by alice. */
  static AdminMutation mutation(AdminOperation operation, String store,
      Map<String, Object> before, long atMs) {
    return new AdminMutation(operation, "c1", store, new Caller("alice", "10.1.2.3:4567"),
        Instant.ofEpochMilli(atMs), before, Map.of(), false);
  }

  /** The success outcome leaving {@code after}. */
  static AdminOutcome success(Map<String, Object> after) {
    return new AdminOutcome(true, null, after);
  }
}
