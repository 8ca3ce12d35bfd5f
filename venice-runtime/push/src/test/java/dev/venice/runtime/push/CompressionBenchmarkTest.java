package dev.venice.runtime.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.common.meta.CompressionStrategy;
import dev.venice.runtime.push.CompressionBenchmark.Report;
import dev.venice.runtime.push.CompressionBenchmark.Row;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link CompressionBenchmark} with a clock that moves 1 ms per reading, so every measured phase
 * of every strategy takes the same time and the recommendation follows the ratios and the budget
 * alone.
 */
class CompressionBenchmarkTest {
  private final AtomicLong nanos = new AtomicLong();
  private final CompressionBenchmark benchmark =
      new CompressionBenchmark(() -> nanos.addAndGet(1_000_000));

  private static List<byte[]> values(int count) {
    List<byte[]> values = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      values.add(("{\"name\":\"User " + i + "\",\"city\":\"Sunnyvale\",\"plan\":\"premium\","
          + "\"age\":" + (i % 70) + "}").getBytes(StandardCharsets.UTF_8));
    }
    return values;
  }

  @Test
  void everyStrategyIsMeasuredAndTheBestRatioWithinTheBudgetIsRecommended() {
    List<byte[]> values = values(1_000);
    Report report = benchmark.run(values, 50_000, 10);
    assertEquals(Arrays.asList(CompressionStrategy.values()),
        report.rows().stream().map(Row::strategy).toList());
    assertEquals(1_000, report.sampledRecords());
    assertEquals(50_000, report.inputRecords());
    // 3 measured rounds of 1 ms each over 1,000 values: 1 µs per value for every phase
    report.rows().forEach(row -> {
      assertEquals(1.0, row.decompressMicrosPerValue(), 1e-9, row.toString());
      assertEquals(1.0, row.compressMicrosPerValue(), 1e-9, row.toString());
      assertTrue(row.withinBudget());
    });
    Row noOp = report.rows().get(0);
    assertEquals(1.0, noOp.ratio(), 1e-9);
    assertEquals(values.stream().mapToLong(v -> v.length).sum(), noOp.originalBytes());
    Row dictionary = report.rows().get(3);
    assertTrue(dictionary.dictionaryBytes() > 0 && dictionary.dictionaryTrainingMillis() > 0);
    Row best = report.rows().stream().max((a, b) -> Double.compare(a.ratio(), b.ratio()))
        .orElseThrow();
    assertEquals(best.strategy(), report.recommended(), report.toString());
    assertEquals(CompressionStrategy.ZSTD_WITH_DICT, report.recommended(),
        "small, similar values: the dictionary wins " + report.rows());
    assertTrue(report.reason().contains("within 10 µs"), report.reason());
  }

  @Test
  void overTheBudgetNothingIsRecommendedButNoOp() {
    Report report = benchmark.run(values(1_000), 1_000, 0.5);
    report.rows().forEach(row -> assertFalse(row.withinBudget()));
    assertEquals(CompressionStrategy.NO_OP, report.recommended());
    assertTrue(report.reason().startsWith("no strategy decompresses within 0.5 µs"),
        report.reason());
  }

  @Test
  void emptySamplesAndBadBudgetsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> benchmark.run(List.of(), 0, 10));
    assertThrows(IllegalArgumentException.class, () -> benchmark.run(values(1), 1, 0));
    assertThrows(IllegalArgumentException.class, () -> benchmark.run(values(1), 1, Double.NaN));
  }
}
