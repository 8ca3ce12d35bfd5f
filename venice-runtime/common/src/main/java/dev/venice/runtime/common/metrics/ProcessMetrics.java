package dev.venice.runtime.common.metrics;

import com.sun.management.OperatingSystemMXBean;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;

/**
 * The meter registry of one Venice process, served at its {@code /metrics}, with the JVM and
 * process meters every operator's first dashboard needs, bound from the first second: heap and
 * non-heap memory ({@code jvm_memory_*}, bytes), garbage collection ({@code jvm_gc_*}), threads
 * ({@code jvm_threads_*}), loaded classes ({@code jvm_classes_*}), CPU ({@code system_cpu_*},
 * {@code process_cpu_usage}, {@code process_cpu_seconds_total}), uptime ({@code
 * process_uptime_seconds}, {@code process_start_time_seconds})
 * and open files ({@code process_files_open_files}, {@code process_files_max_files}). These are
 * Micrometer's own binders, named as Micrometer and Prometheus's client libraries name them, with
 * one exception: Micrometer's {@code process.cpu.time} is in nanoseconds, which Prometheus's
 * naming rules refuse ({@code promtool check metrics}: "abbreviated units"), so the process's CPU
 * time is exported in seconds as Prometheus's own clients do; and {@code system.cpu.count}, a
 * gauge whose {@code _count} suffix Prometheus reserves for histograms and summaries, is exported
 * as {@code system_cpu_logical_processors}.
 *
 * <p>One meter name keeps one set of tag keys (see {@link OneTagKeySet}): a registration with
 * other keys is denied, logged, and counted in {@code venice.metrics.denied}.
 *
 * <p>Close it with the process: it unhooks the garbage-collection listeners and closes the
 * registry. Several processes in one JVM (a local cluster) each report the same JVM figures.
 */
public final class ProcessMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final OneTagKeySet oneTagKeySet = new OneTagKeySet();

  /** A new registry with the JVM and process meters bound. */
  public ProcessMetrics() {
    registry.config()
        .meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")))
        .meterFilter(new MeterFilter() {
          @Override
          public Meter.Id map(Meter.Id id) {
            return id.getName().equals("system.cpu.count")
                ? id.withName("system.cpu.logical.processors") : id;
          }
        })
        .meterFilter(oneTagKeySet); // last: sees the names as exported
    FunctionCounter.builder("venice.metrics.denied", oneTagKeySet, OneTagKeySet::denied)
        .description("Meter registrations denied for tag keys that differ from the name's first")
        .register(registry);
    if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
      FunctionCounter.builder("process.cpu", os, bean -> bean.getProcessCpuTime() / 1e9)
          .baseUnit("seconds").description("CPU time used by the process")
          .register(registry);
    }
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
