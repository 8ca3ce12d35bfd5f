package dev.venice.plugins.dvcmemorypressure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.plugins.dvcmemorypressure.MemoryPressureController.Action;
import dev.venice.plugins.dvcmemorypressure.MemoryPressureController.Decision;
import dev.venice.testkit.ManualTimeSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The watermarks, the floor, the cooldown and the hold, on a manual clock (sizes in MiB). */
class MemoryPressureControllerTest {
  private static final long MIB = 1L << 20;
  private final ManualTimeSource time = new ManualTimeSource();
  /** Budget 1000 MiB: high 900, low 700; floor 50 MiB; hold 30 s; cooldown 10 s. */
  private final MemoryPressureController controller = new MemoryPressureController(1000 * MIB,
      0.9, 0.7, 50 * MIB, Duration.ofSeconds(30), Duration.ofSeconds(10), time);

  private Decision sample(long usageMib, long capacityMib) {
    time.advance(Duration.ofSeconds(1));
    return controller.sample(usageMib * MIB, capacityMib * MIB, 400 * MIB);
  }

  @Test
  void belowTheHighWatermarkNothingChanges() {
    for (long usage : new long[] {100, 650, 800, 900}) {
      assertEquals(Action.NONE, sample(usage, 400).action(), usage + " MiB");
    }
    assertFalse(controller.underPressure());
  }

  @Test
  void overTheHighWatermarkTheCacheGivesUpTheExcessOverTheLowOne() {
    Decision shrink = sample(950, 400);
    assertEquals(Action.SHRINK, shrink.action());
    assertEquals((400 - (950 - 700)) * MIB, shrink.capacityBytes(), "400 - 250 = 150 MiB");
    assertFalse(shrink.atFloor());
    assertTrue(controller.underPressure());
  }

  @Test
  void aShrinkNeverGoesBelowTheFloor() {
    Decision shrink = sample(1500, 400);
    assertEquals(50 * MIB, shrink.capacityBytes(), "400 - 800 would be negative");
    assertTrue(shrink.atFloor());
    for (int i = 0; i < 20; i++) { // still over, at the floor: no further resize, said so
      Decision atFloor = sample(1500, 50);
      assertEquals(Action.NONE, atFloor.action());
      assertTrue(atFloor.atFloor());
    }
  }

  @Test
  void aSecondShrinkWaitsForTheCooldown() {
    assertEquals(Action.SHRINK, sample(950, 400).action());
    for (int i = 1; i < 10; i++) { // the first shrink has not shown in the numbers yet
      assertEquals(Action.NONE, sample(950, 150).action(), "second " + i);
    }
    Decision again = sample(950, 150);
    assertEquals(Action.SHRINK, again.action(), "10 s after the first");
    assertEquals(50 * MIB, again.capacityBytes(), "150 - 250, floored");
  }

  @Test
  void noiseBetweenTheWatermarksNeverResizes() {
    assertEquals(Action.SHRINK, sample(950, 400).action());
    long[] noisy = {880, 720, 899, 701, 850, 760, 890, 705};
    for (int round = 0; round < 20; round++) {
      for (long usage : noisy) {
        assertEquals(Action.NONE, sample(usage, 150).action(), usage + " MiB");
      }
    }
    assertTrue(controller.underPressure());
  }

  @Test
  void theCacheIsRestoredOnlyAfterUsageStayedUnderTheLowWatermarkForTheHold() {
    assertEquals(Action.SHRINK, sample(950, 400).action());
    for (int i = 1; i < 30; i++) {
      assertEquals(Action.NONE, sample(600, 150).action(), i + " s under");
    }
    assertEquals(Action.NONE, sample(710, 150).action(), "a blip over the low watermark");
    for (int i = 1; i < 30; i++) {
      assertEquals(Action.NONE, sample(600, 150).action(), "the hold starts again: " + i);
    }
    Decision restore = sample(600, 150);
    assertEquals(Action.RESTORE, restore.action());
    assertEquals(400 * MIB, restore.capacityBytes());
    assertFalse(controller.underPressure());
    assertEquals(Action.NONE, sample(600, 400).action(), "restored once");
  }

  @Test
  void withoutPressureThereIsNothingToRestore() {
    for (int i = 0; i < 100; i++) {
      assertEquals(Action.NONE, sample(10, 400).action());
    }
  }
}
