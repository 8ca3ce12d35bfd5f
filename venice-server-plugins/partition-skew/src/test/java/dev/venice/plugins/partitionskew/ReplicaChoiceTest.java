package dev.venice.plugins.partitionskew;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.venice.plugins.partitionskew.ReplicaChoice.Numbers;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The replica choice rule: the leader when it answered, else the most records. */
class ReplicaChoiceTest {
  @Test
  void theLeaderIsChosenWhenItAnsweredEvenWithFewerRecords() {
    ReplicaChoice c = ReplicaChoice.choose(
        Map.of("a_1", new Numbers(100, 10), "b_2", new Numbers(120, 12)),
        Map.of("a_1", "LEADER", "b_2", "STANDBY"));
    assertEquals("a_1", c.instance());
    assertEquals(ReplicaChoice.LEADER, c.reason());
    assertEquals(100, c.records());
    assertEquals(10, c.bytes());
    assertEquals(2, c.replicas());
  }

  @Test
  void withoutTheLeaderTheReplicaWithTheMostRecords() {
    ReplicaChoice c = ReplicaChoice.choose(
        Map.of("b_2", new Numbers(90, 9), "c_3", new Numbers(95, 8)),
        Map.of("a_1", "LEADER", "b_2", "STANDBY", "c_3", "STANDBY"));
    assertEquals("c_3", c.instance());
    assertEquals(ReplicaChoice.MOST_RECORDS, c.reason());
    ReplicaChoice noStates = ReplicaChoice.choose(
        Map.of("b_2", new Numbers(95, 9), "a_1", new Numbers(95, 8)), Map.of());
    assertEquals("a_1", noStates.instance(), "ties go to the lowest instance id");
  }

  @Test
  void aLeaderThatCannotCountIsPassedOver() {
    ReplicaChoice c = ReplicaChoice.choose(
        Map.of("a_1", new Numbers(-1, 50), "b_2", new Numbers(80, 9)),
        Map.of("a_1", "LEADER"));
    assertEquals("b_2", c.instance());
    assertEquals(ReplicaChoice.MOST_RECORDS, c.reason());
    ReplicaChoice unknown = ReplicaChoice.choose(
        Map.of("a_1", new Numbers(-1, 50), "b_2", new Numbers(-1, 60)), Map.of());
    assertEquals("b_2", unknown.instance());
    assertEquals(ReplicaChoice.UNKNOWN_RECORDS, unknown.reason());
  }

  @Test
  void noReplicaIsAnError() {
    assertThrows(IllegalArgumentException.class, () -> ReplicaChoice.choose(Map.of(), Map.of()));
  }
}
