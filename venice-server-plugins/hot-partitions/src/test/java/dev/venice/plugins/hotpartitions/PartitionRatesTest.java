package dev.venice.plugins.hotpartitions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.testkit.ManualTimeSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Windows on a manual clock: the last complete one is read; an idle window reads empty. */
class PartitionRatesTest {
  private final ManualTimeSource clock = new ManualTimeSource();
  private final PartitionRates rates = new PartitionRates(clock, Duration.ofSeconds(10), 100);
  private final PartitionId hot = new PartitionId("users", 2, 3);
  private final PartitionId cold = new PartitionId("users", 2, 0);

  private void read(PartitionId id, int times) {
    for (int i = 0; i < times; i++) {
      rates.record(id);
    }
  }

  @Test
  void ratesAreThoseOfTheLastCompleteWindow() {
    read(hot, 500);
    PartitionRates.Rates before = rates.rates();
    assertNull(before.end(), "no window ended yet");
    assertTrue(before.counts().entries().isEmpty());

    clock.advance(Duration.ofSeconds(10));
    read(cold, 30); // the second window
    PartitionRates.Rates first = rates.rates();
    assertEquals(ManualTimeSource.DEFAULT_START.plusSeconds(10), first.end());
    assertEquals(500, first.counts().total());
    assertEquals(hot, first.counts().entries().get(0).id());
    assertEquals(50.0, first.perSecond(first.counts().entries().get(0).count()), 1e-9);

    clock.advance(Duration.ofSeconds(12)); // 2 s into the third window
    PartitionRates.Rates second = rates.rates();
    assertEquals(ManualTimeSource.DEFAULT_START.plusSeconds(20), second.end());
    assertEquals(30, second.counts().total());
    assertEquals(cold, second.counts().entries().get(0).id());
    assertEquals(3.0, second.perSecond(30), 1e-9);
  }

  @Test
  void aWindowWithoutReadsReadsEmptyAndWindowsStayAligned() {
    read(hot, 10);
    clock.advance(Duration.ofSeconds(35)); // windows [10,20) and [20,30) had nothing
    read(hot, 1);
    PartitionRates.Rates idle = rates.rates();
    assertEquals(0, idle.counts().total());
    assertEquals(ManualTimeSource.DEFAULT_START.plusSeconds(30), idle.end());
    clock.advance(Duration.ofSeconds(5));
    assertEquals(1, rates.rates().counts().total(), "the window [30,40) held one lookup");
  }
}
