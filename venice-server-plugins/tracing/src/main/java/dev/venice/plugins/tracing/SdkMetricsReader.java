package dev.venice.plugins.tracing;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import java.util.function.Predicate;

/**
 * Reads the OpenTelemetry SDK's own metrics on demand (when the host's {@code /metrics} is
 * scraped), so the batch span processor's drop count and queue size reach the plugin's Micrometer
 * meters without a periodic exporter. Thread-safe.
 */
final class SdkMetricsReader implements MetricReader {
  private volatile CollectionRegistration registration = CollectionRegistration.noop();

  @Override
  public void register(CollectionRegistration registration) {
    this.registration = registration;
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return AggregationTemporality.CUMULATIVE;
  }

  @Override
  public CompletableResultCode forceFlush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    registration = CollectionRegistration.noop();
    return CompletableResultCode.ofSuccess();
  }

  /**
   * The sum of the long points of the metric {@code name} whose attributes match (0 when the SDK
   * has not recorded it yet or the reader is shut down).
   */
  long sum(String name, Predicate<Attributes> attributes) {
    long sum = 0;
    for (MetricData metric : registration.collectAllMetrics()) {
      if (!metric.getName().equals(name)) {
        continue;
      }
      for (var point : metric.getData().getPoints()) {
        if (point instanceof LongPointData p && attributes.test(p.getAttributes())) {
          sum += p.getValue();
        }
      }
    }
    return sum;
  }
}
