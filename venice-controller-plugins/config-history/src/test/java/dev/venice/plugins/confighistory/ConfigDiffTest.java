package dev.venice.plugins.confighistory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.plugins.confighistory.HistoryEntry.Change;
import dev.venice.plugins.confighistory.HistoryEntry.Kind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The field-level diff: only what changed, nested maps by key, numbers by value. */
class ConfigDiffTest {
  @Test
  void equalConfigsHaveNoChangeAndNumbersCompareByValue() {
    Map<String, Object> a = Map.of("partitionCount", 2, "rewind", 3600L, "ratio", 1.0,
        "pluginSettings", Map.of("plugins.x.y", "1"), "list", List.of(1, 2));
    Map<String, Object> b = Map.of("partitionCount", 2L, "rewind", 3600, "ratio", 1,
        "pluginSettings", Map.of("plugins.x.y", "1"), "list", List.of(1, 2));
    assertEquals(List.of(), ConfigDiff.diff(a, b));
  }

  @Test
  void onlyChangedFieldsAreListedAndNestedMapsAreDiffedByKey() {
    Map<String, Object> before = new HashMap<>(Map.of("numVersionsToPreserve", 2,
        "compressionStrategy", "NO_OP",
        "pluginSettings", Map.of("plugins.a.x", "1", "plugins.b.x", "2", "plugins.c.x", "3"),
        "hybrid", Map.of("rewindSeconds", 3600, "offsetLagThreshold", 1000)));
    Map<String, Object> after = new HashMap<>(Map.of("numVersionsToPreserve", 3,
        "compressionStrategy", "NO_OP",
        "pluginSettings", Map.of("plugins.a.x", "1", "plugins.b.x", "20", "plugins.d.x", "4"),
        "hybrid", Map.of("rewindSeconds", 7200, "offsetLagThreshold", 1000)));
    List<Change> changes = ConfigDiff.diff(before, after);
    assertEquals(List.of(
        new Change(List.of("hybrid", "rewindSeconds"), Kind.CHANGED, 3600, 7200),
        new Change(List.of("numVersionsToPreserve"), Kind.CHANGED, 2, 3),
        new Change(List.of("pluginSettings", "plugins.b.x"), Kind.CHANGED, "2", "20"),
        new Change(List.of("pluginSettings", "plugins.c.x"), Kind.REMOVED, "3", null),
        new Change(List.of("pluginSettings", "plugins.d.x"), Kind.ADDED, null, "4")), changes);
    assertEquals("pluginSettings[\"plugins.b.x\"]", changes.get(2).field());
    assertEquals("hybrid.rewindSeconds", changes.get(0).field());
  }

  @Test
  void aMapThatAppearsOrDisappearsShowsEachKey() {
    Map<String, Object> batch = new HashMap<>();
    batch.put("hybrid", null);
    Map<String, Object> hybrid = Map.of("hybrid", Map.of("rewindSeconds", 60,
        "offsetLagThreshold", 10));
    assertEquals(List.of(
        new Change(List.of("hybrid", "offsetLagThreshold"), Kind.ADDED, null, 10),
        new Change(List.of("hybrid", "rewindSeconds"), Kind.ADDED, null, 60)),
        ConfigDiff.diff(batch, hybrid));
    assertEquals(List.of(
        new Change(List.of("hybrid", "offsetLagThreshold"), Kind.REMOVED, 10, null),
        new Change(List.of("hybrid", "rewindSeconds"), Kind.REMOVED, 60, null)),
        ConfigDiff.diff(hybrid, batch));
  }

  @Test
  void scalarsAndListsChangeAsWholeValuesAndTopLevelFieldsAppear() {
    Map<String, Object> before = new HashMap<>(Map.of("list", List.of(1, 2), "x", "a"));
    before.put("nullable", null);
    Map<String, Object> after = Map.of("list", List.of(1, 3), "x", Map.of("k", 1),
        "nullable", "set", "fresh", true);
    List<Change> changes = ConfigDiff.diff(before, after);
    assertEquals(List.of(
        new Change(List.of("fresh"), Kind.ADDED, null, true),
        new Change(List.of("list"), Kind.CHANGED, List.of(1, 2), List.of(1, 3)),
        new Change(List.of("nullable"), Kind.ADDED, null, "set"),
        new Change(List.of("x"), Kind.CHANGED, "a", Map.of("k", 1))), changes);
    assertTrue(ConfigDiff.diff(Map.of(), Map.of()).isEmpty());
    Map<String, Object> unset = new HashMap<>();
    unset.put("hybrid", null);
    assertTrue(ConfigDiff.diff(Map.of(), unset).isEmpty(), "null is not set");
    assertEquals(List.of(new Change(List.of("x"), Kind.REMOVED, "a", null)),
        ConfigDiff.diff(Map.of("x", "a"), new HashMap<>(java.util.Collections.singletonMap("x",
            null))));
  }
}
