package dev.venice.plugins.longtailretry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Venice's range notation: its default table's edges, and every malformed form refused. */
class BatchGetThresholdsTest {
  private static long millis(BatchGetThresholds thresholds, int keys) {
    return TimeUnit.NANOSECONDS.toMillis(thresholds.thresholdNanos(keys));
  }

  @Test
  void venicesDefaultTableAtEveryEdge() {
    BatchGetThresholds venice = BatchGetThresholds.parse(BatchGetThresholds.VENICE_DEFAULT);
    Map<Integer, Long> expected = Map.ofEntries(Map.entry(1, 8L), Map.entry(12, 8L),
        Map.entry(13, 30L), Map.entry(20, 30L), Map.entry(21, 50L), Map.entry(150, 50L),
        Map.entry(151, 100L), Map.entry(500, 100L), Map.entry(501, 500L),
        Map.entry(100_000, 500L));
    expected.forEach((keys, ms) -> assertEquals(ms, millis(venice, keys), keys + " keys"));
  }

  @Test
  void oneOpenRangeAndSpacesAreFine() {
    assertEquals(7, millis(BatchGetThresholds.parse("1-:7"), 1000));
    BatchGetThresholds spaced = BatchGetThresholds.parse(" 1-2:3 , 3-:4 ");
    assertEquals(3, millis(spaced, 2));
    assertEquals(4, millis(spaced, 3));
  }

  @Test
  void malformedTablesAreRefusedNamingTheRange() {
    Map<String, String> refused = Map.of(
        "2-10:5,11-:9", "range '2-10:5' starts at 2 keys but must start at 1",
        "1-10:5,12-:9", "range '12-:9' starts at 12 keys but must start at 11",
        "1-10:5,8-:9", "range '8-:9' starts at 8 keys but must start at 11",
        "1-10:5", "range '1-10:5' the last range must be open",
        "1-:5,6-:9", "range '1-:5' only the last range may be open",
        "1-10:x,11-:9", "range '1-10:x' 'x' is not a threshold in ms",
        "1-10,11-:9", "range '1-10' expected from-to:millis",
        "", "range '' expected from-to:millis",
        "1-5:1,,6-:2", "range '' expected from-to:millis",
        "5-1:1", "range '5-1:1' starts at 5 keys");
    refused.forEach((text, message) -> {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> BatchGetThresholds.parse(text), text);
      assertEquals(true, e.getMessage().contains(message), text + ": " + e.getMessage());
    });
  }
}
