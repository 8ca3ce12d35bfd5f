package dev.venice.plugins.ingestionstagemetrics;

import dev.venice.spi.server.IngestionStage;

/**
 * One stage of one store over the last one to two windows, as the meters and the endpoint show
 * it. Durations are nanoseconds per record; a stage with no record in the windows has {@code
 * count} 0 and {@code NaN} mean and percentiles.
 *
 * @param stage the stage
 * @param used whether the stage was ever measured for the store on this server
 * @param count records timed in the windows
 * @param meanNanos mean nanoseconds per record in the windows
 * @param p50Nanos median nanoseconds per record (HdrHistogram, 2 significant digits)
 * @param p99Nanos 99th percentile nanoseconds per record (same precision)
 * @param maxNanos the largest value in the windows (same precision)
 * @param recordsPerSecond {@code count} over the time the windows span
 * @param spanNanos the time the windows span (from the older window's start to now)
 * @param totalCount records timed since the store was first seen (monotonic)
 * @param totalNanos nanoseconds spent since the store was first seen (monotonic)
 */
record StageSnapshot(IngestionStage stage, boolean used, long count, double meanNanos,
    double p50Nanos, double p99Nanos, double maxNanos, double recordsPerSecond, long spanNanos,
    long totalCount, long totalNanos) {}
