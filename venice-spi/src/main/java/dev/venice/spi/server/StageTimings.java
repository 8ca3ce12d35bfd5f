package dev.venice.spi.server;

import java.util.Arrays;

/**
 * Nanoseconds spent per {@link IngestionStage} for one record. A stage not (yet) measured reads as
 * {@code -1}. The host fills it in as the record moves on; hooks read it.
 */
public final class StageTimings {
  private final long[] nanos = new long[IngestionStage.values().length];

  /** Timings with no stage measured yet. */
  public StageTimings() {
    Arrays.fill(nanos, -1L);
  }

  /** Records the time a stage took. */
  public StageTimings record(IngestionStage stage, long stageNanos) {
    nanos[stage.ordinal()] = stageNanos;
    return this;
  }

  /** The time a stage took, or {@code -1} when not measured. */
  public long nanos(IngestionStage stage) {
    return nanos[stage.ordinal()];
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("{");
    for (IngestionStage s : IngestionStage.values()) {
      b.append(b.length() > 1 ? ", " : "").append(s).append('=').append(nanos[s.ordinal()]);
    }
    return b.append('}').toString();
  }
}
