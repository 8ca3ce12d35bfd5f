/**
 * The Da Vinci client's hook point (process kind {@code da-vinci-client}, since 1.8.0,
 * experimental): a {@link dev.venice.spi.davinci.DaVinciHook} decides whether a partition resumes
 * from the local copy an earlier run left and hears about version swaps; the host service {@link
 * dev.venice.spi.davinci.LocalPartitions} lists the client's local partitions and makes their
 * progress durable. A Da Vinci client also runs its plugins' ingestion hooks, lifecycle hooks and
 * background tasks, and offers storage statistics ({@link
 * dev.venice.spi.host.StorageStatsService}, with memory usage and the shared block cache).
 */
package dev.venice.spi.davinci;
