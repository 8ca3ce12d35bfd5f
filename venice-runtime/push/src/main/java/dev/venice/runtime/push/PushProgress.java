package dev.venice.runtime.push;

/**
 * Progress of a push, reported as it goes (for a progress bar).
 *
 * @param records records written so far
 * @param bytes key and value bytes written so far
 * @param elapsedNanos time since the push started writing
 * @param phase {@code WRITING}, {@code WAITING_FOR_ONLINE} or {@code DONE}
 */
public record PushProgress(long records, long bytes, long elapsedNanos, String phase) {
  /** Records per second so far. */
  public double recordsPerSecond() {
    return elapsedNanos == 0 ? 0 : records * 1e9 / elapsedNanos;
  }
}
