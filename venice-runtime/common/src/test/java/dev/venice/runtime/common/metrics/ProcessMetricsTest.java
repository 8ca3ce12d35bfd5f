package dev.venice.runtime.common.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import org.junit.jupiter.api.Test;

class ProcessMetricsTest {
  @Test
  void aMeterNameKeepsTheTagKeysItWasFirstRegisteredWith() {
    try (ProcessMetrics metrics = new ProcessMetrics()) {
      Counter.builder("venice.test.requests").tag("store", "a").register(metrics.registry())
          .increment();
      Counter.builder("venice.test.requests").tag("store", "b").register(metrics.registry())
          .increment(2);
      Counter.builder("venice.test.requests").tag("partition", "0").register(metrics.registry())
          .increment(5);
      Counter.builder("venice.test.requests").tag("store", "a").tag("partition", "0")
          .register(metrics.registry()).increment(7);
      String scrape = metrics.registry().scrape();
      assertTrue(scrape.contains("venice_test_requests_total{store=\"a\"} 1.0"), scrape);
      assertTrue(scrape.contains("venice_test_requests_total{store=\"b\"} 2.0"), scrape);
      assertFalse(scrape.contains("partition=\"0\""), "other tag keys are not exported");
      assertTrue(scrape.contains("venice_metrics_denied_total 2.0"), scrape);
    }
  }

  @Test
  void jvmMetersAreRenamedForPrometheus() {
    try (ProcessMetrics metrics = new ProcessMetrics()) {
      String scrape = metrics.registry().scrape();
      assertTrue(scrape.contains("system_cpu_logical_processors"), scrape);
      assertTrue(scrape.contains("process_cpu_seconds_total"), scrape);
      assertFalse(scrape.contains("process_cpu_time"), scrape);
      assertEquals(0, metrics.registry().find("venice.metrics.denied").functionCounter().count());
    }
  }
}
