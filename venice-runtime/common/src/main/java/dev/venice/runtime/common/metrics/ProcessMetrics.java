package dev.venice.runtime.common.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The meter registry of one Venice process, served at its {@code /metrics}, with the JVM and
 * process meters every operator's first dashboard needs, bound from the first second: heap and
 * non-heap memory ({@code jvm_memory_*}, bytes), garbage collection ({@code jvm_gc_*}), threads
 * ({@code jvm_threads_*}), loaded classes ({@code jvm_classes_*}), CPU ({@code system_cpu_*},
 * {@code process_cpu_*}), uptime ({@code process_uptime_seconds}, {@code process_start_time_seconds})
 * and open files ({@code process_files_open_files}, {@code process_files_max_files}). These are
 * Micrometer's own binders, named as Micrometer and Prometheus's client libraries name them.
 *
 * <p>Close it with the process: it unhooks the garbage-collection listeners and closes the
 * registry. Several processes in one JVM (a local cluster) each report the same JVM figures.
 */
public final class ProcessMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();

  /** A new registry with the JVM and process meters bound. */
  public ProcessMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmInfoMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  /** The registry: the host's and the plugins' meters go here. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
