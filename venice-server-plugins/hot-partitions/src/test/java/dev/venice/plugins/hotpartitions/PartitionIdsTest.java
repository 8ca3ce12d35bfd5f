package dev.venice.plugins.hotpartitions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The id cache: the same instance per partition, per version, the oldest version pushed out. */
class PartitionIdsTest {
  private final PartitionIds ids = new PartitionIds();

  @Test
  void theSameIdIsReturnedForTheSamePartition() {
    PartitionId p7 = ids.get("users", 3, 7);
    assertEquals(new PartitionId("users", 3, 7), p7);
    ids.get("users", 3, 2); // an array grown below and above
    ids.get("users", 3, 40);
    assertSame(p7, ids.get("users", 3, 7));
    assertSame(ids.get("users", 4, 7), ids.get("users", 4, 7));
    assertNotSame(p7, ids.get("users", 4, 7), "another version");
    assertEquals(new PartitionId("other", 3, 7), ids.get("other", 3, 7));
    assertThrows(IllegalArgumentException.class, () -> ids.get("users", 3, -1));
  }

  @Test
  void onlyTheLatestVersionsOfAStoreAreKept() {
    PartitionId v1 = ids.get("users", 1, 0);
    for (int v = 2; v <= PartitionIds.VERSIONS_PER_STORE; v++) {
      ids.get("users", v, 0);
    }
    assertSame(v1, ids.get("users", 1, 0), "still kept");
    ids.get("users", PartitionIds.VERSIONS_PER_STORE + 1, 0); // pushes version 1 out
    PartitionId again = ids.get("users", 1, 0);
    assertEquals(v1, again, "equal, made anew");
    assertNotSame(v1, again);
  }
}
