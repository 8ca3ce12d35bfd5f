package dev.venice.plugins.batchsplit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The splitting arithmetic: how many sub-batches, their sizes, every key exactly once. */
class SubBatchesTest {
  private static Set<Integer> upTo(int n) {
    Set<Integer> keys = new LinkedHashSet<>();
    IntStream.range(0, n).forEach(keys::add);
    return keys;
  }

  private static List<Integer> sizes(List<Set<Integer>> parts) {
    return parts.stream().map(Set::size).toList();
  }

  @Test
  void partsAreBalancedToWithinOneKey() {
    assertEquals(List.of(88, 88, 87, 87), sizes(SubBatches.split(upTo(350), 100)));
    assertEquals(List.of(76, 75), sizes(SubBatches.split(upTo(151), 150)));
    assertEquals(List.of(1, 1, 1), sizes(SubBatches.split(upTo(3), 1)));
  }

  @Test
  void aMultipleOfTheMaximumGivesFullParts() {
    assertEquals(List.of(150, 150, 150), sizes(SubBatches.split(upTo(450), 150)));
    assertEquals(List.of(5), sizes(SubBatches.split(upTo(5), 5)));
  }

  @Test
  void everyKeyIsInExactlyOnePartInIterationOrder() {
    for (int total = 1; total <= 60; total++) {
      for (int max = 1; max <= 20; max++) {
        List<Set<Integer>> parts = SubBatches.split(upTo(total), max);
        assertEquals((total + max - 1) / max, parts.size(), total + " keys at " + max);
        Set<Integer> seen = new HashSet<>();
        int next = 0;
        for (Set<Integer> part : parts) {
          assertTrue(part.size() <= max, "no part over the maximum");
          for (int key : new TreeSet<>(part)) {
            assertEquals(next++, key, "consecutive keys per part");
            assertTrue(seen.add(key));
          }
        }
        assertEquals(total, seen.size());
      }
    }
  }
}
