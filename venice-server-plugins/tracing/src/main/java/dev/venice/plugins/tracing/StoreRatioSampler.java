package dev.venice.plugins.tracing;

import dev.venice.spi.plugin.StoreSettings;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;

/**
 * The root sampler (inside OpenTelemetry's parent-based sampler, so it decides only for calls
 * without a parent): the trace-id ratio sampler of the store named by the span's {@code
 * venice.store} attribute, at that store's {@code sampling-ratio} (the process-wide one for spans
 * without a store). Per request: one settings lookup the host keeps current. Thread-safe.
 */
final class StoreRatioSampler implements Sampler {
  private final StoreSettings<TracingConfig> settings;

  StoreRatioSampler(StoreSettings<TracingConfig> settings) {
    this.settings = settings;
  }

  @Override
  public SamplingResult shouldSample(Context parentContext, String traceId, String name,
      SpanKind spanKind, Attributes attributes, List<LinkData> parentLinks) {
    String store = attributes.get(RpcConventions.VENICE_STORE);
    TracingConfig config = store == null ? settings.processWide() : settings.get(store);
    return config.rootSampler().shouldSample(parentContext, traceId, name, spanKind, attributes,
        parentLinks);
  }

  @Override
  public String getDescription() {
    return "StoreRatioSampler{sampling-ratio per store, process-wide "
        + settings.processWide().samplingRatio() + "}";
  }
}
