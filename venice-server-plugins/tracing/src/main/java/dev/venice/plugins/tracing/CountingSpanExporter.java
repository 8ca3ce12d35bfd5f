package dev.venice.plugins.tracing;

import io.micrometer.core.instrument.Counter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;

/**
 * Wraps the OTLP exporter and counts the spans of each export by outcome ({@code spans.exported},
 * {@code spans.export.failed}). Called by the batch processor's worker thread.
 */
final class CountingSpanExporter implements SpanExporter {
  private final SpanExporter delegate;
  private final Counter exported;
  private final Counter failed;

  CountingSpanExporter(SpanExporter delegate, Counter exported, Counter failed) {
    this.delegate = delegate;
    this.exported = exported;
    this.failed = failed;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    int count = spans.size();
    CompletableResultCode result;
    try {
      result = delegate.export(spans);
    } catch (RuntimeException e) {
      failed.increment(count);
      return CompletableResultCode.ofExceptionalFailure(e);
    }
    result.whenComplete(() -> (result.isSuccess() ? exported : failed).increment(count));
    return result;
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }

  @Override
  public String toString() {
    return "CountingSpanExporter{" + delegate + "}";
  }
}
