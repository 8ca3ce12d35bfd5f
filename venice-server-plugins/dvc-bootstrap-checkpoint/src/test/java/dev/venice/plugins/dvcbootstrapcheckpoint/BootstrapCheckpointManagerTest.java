package dev.venice.plugins.dvcbootstrapcheckpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.davinci.LocalCopy;
import dev.venice.spi.davinci.ResumeDecision;
import dev.venice.testkit.ManualTimeSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint file and the resume rule, with a manual clock. */
class BootstrapCheckpointManagerTest {
  @TempDir Path dir;
  private final ManualTimeSource time = new ManualTimeSource();

  private BootstrapCheckpointManager manager() {
    return new BootstrapCheckpointManager(dir, time);
  }

  private static LocalCopy copy(int partition, String topicId, long start, long end, long local) {
    return new LocalCopy("users", 3, partition, "users_v3", topicId, start, end, local);
  }

  @Test
  void writesAndReadsBackEveryPartitionLeavingOutThoseWithNothingApplied() throws Exception {
    BootstrapCheckpointManager manager = manager();
    manager.write("users", 3, "id-1", Map.of(0, 120L, 1, 80L, 2, -1L));
    BootstrapCheckpointManager.Checkpoint read = manager.read("users", 3).orElseThrow();
    assertEquals("id-1", read.topicId());
    assertEquals(Map.of(0, 120L, 1, 80L), read.offsets());
    assertEquals(time.now().toEpochMilli(), read.writtenAtMs());
    assertEquals(dir.resolve("users").resolve("v3.checkpoint"), manager.file("users", 3));
    assertTrue(manager.read("users", 4).isEmpty());
  }

  @Test
  void aNewCheckpointReplacesTheOldKeepingPartitionsItLacksAndLeavesNoTemporaryFile()
      throws Exception {
    BootstrapCheckpointManager manager = manager();
    manager.write("users", 3, "id-1", Map.of(0, 1L, 1, 2L));
    manager.write("users", 3, "id-1", Map.of(0, 10L));
    assertEquals(Map.of(0, 10L, 1, 2L), manager.read("users", 3).orElseThrow().offsets(),
        "partition 1, not subscribed yet at the second checkpoint, keeps its entry");
    manager.write("users", 3, "id-2", Map.of(0, 4L));
    assertEquals(Map.of(0, 4L), manager.read("users", 3).orElseThrow().offsets(),
        "another topic's entries are not kept");
    try (var files = Files.list(dir.resolve("users"))) {
      assertEquals(1, files.count(), "only the checkpoint itself");
    }
  }

  @Test
  void resumesWhenEveryRuleHoldsSayingWhy() throws Exception {
    BootstrapCheckpointManager manager = manager();
    manager.write("users", 3, "id-1", Map.of(0, 500L));
    time.advance(Duration.ofMillis(1500));
    ResumeDecision decision = manager.decide(copy(0, "id-1", 0, 2000, 650));
    assertTrue(decision.resume(), decision.reason());
    assertEquals("checkpoint of version 3 at offset 500 (written 1500 ms ago); the local copy"
        + " continues from offset 650", decision.reason());
    // at the very end of the topic (nothing left to read) is in range too
    assertTrue(manager.decide(copy(0, "id-1", 0, 501, 500)).resume());
  }

  @Test
  void startsOverWhenAnyRuleFailsNamingIt() throws Exception {
    BootstrapCheckpointManager manager = manager();
    assertStartOver(manager.decide(copy(0, "id-1", 0, 2000, 650)), "no checkpoint of version 3");
    manager.write("users", 3, "id-1", Map.of(0, 500L));
    assertStartOver(manager.decide(copy(0, "id-2", 0, 2000, 650)),
        "the checkpoint is of topic id id-1 but users_v3 now has id id-2: recreated since");
    assertStartOver(manager.decide(copy(0, "", 0, 2000, 650)), "now has id (unknown)");
    assertStartOver(manager.decide(copy(1, "id-1", 0, 2000, 650)),
        "the checkpoint of version 3 has no offset for partition 1");
    assertStartOver(manager.decide(copy(0, "id-1", 600, 2000, 650)),
        "checkpointed offset 500 is outside the topic's current range (offsets 600 to 2000)");
    assertStartOver(manager.decide(copy(0, "id-1", 0, 400, 650)),
        "checkpointed offset 500 is outside the topic's current range (offsets 0 to 400)");
    assertStartOver(manager.decide(copy(0, "id-1", 0, 2000, 499)),
        "the local copy holds offset 499, behind its checkpoint at 500");
  }

  @Test
  void anUnusableFileMeansStartOver() throws Exception {
    BootstrapCheckpointManager manager = manager();
    Files.createDirectories(dir.resolve("users"));
    Files.writeString(manager.file("users", 3), "format=1\nstore=users\nversion=3\n");
    assertStartOver(manager.decide(copy(0, "id-1", 0, 10, 5)), "lacks topicId");
    Files.writeString(manager.file("users", 3), "format=2\n");
    assertStartOver(manager.decide(copy(0, "id-1", 0, 10, 5)), "has format 2");
    Files.writeString(manager.file("users", 3),
        "format=1\nstore=other\nversion=3\ntopicId=x\nwrittenAtMs=1\n");
    assertStartOver(manager.decide(copy(0, "id-1", 0, 10, 5)),
        "is not the checkpoint of store users version 3");
    Files.writeString(manager.file("users", 3),
        "format=1\nstore=users\nversion=3\ntopicId=x\nwrittenAtMs=1\npartition.0=abc\n");
    assertStartOver(manager.decide(copy(0, "id-1", 0, 10, 5)), "malformed number");
    IOException unreadable = assertThrows(IOException.class, () -> manager.read("users", 3));
    assertTrue(unreadable.getMessage().contains("v3.checkpoint"), unreadable.getMessage());
  }

  @Test
  void deletesOnlyOlderVersionsOfTheStore() throws Exception {
    BootstrapCheckpointManager manager = manager();
    manager.write("users", 2, "a", Map.of(0, 1L));
    manager.write("users", 3, "b", Map.of(0, 1L));
    manager.write("users", 4, "c", Map.of(0, 1L));
    manager.write("orders", 1, "d", Map.of(0, 1L));
    assertEquals(2, manager.deleteOlderThan("users", 4));
    assertFalse(Files.exists(manager.file("users", 2)));
    assertFalse(Files.exists(manager.file("users", 3)));
    assertTrue(Files.exists(manager.file("users", 4)));
    assertTrue(Files.exists(manager.file("orders", 1)));
    assertEquals(0, manager.deleteOlderThan("nobody", 9));
  }

  private static void assertStartOver(ResumeDecision decision, String reasonPart) {
    assertFalse(decision.resume(), decision.reason());
    assertTrue(decision.reason().contains(reasonPart), decision.reason());
  }
}
