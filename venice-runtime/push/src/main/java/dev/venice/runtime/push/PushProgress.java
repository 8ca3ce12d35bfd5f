package dev.venice.runtime.push;

/**
 * Progress of a push, reported as it goes (for a progress bar).
 *
 * @param records records checked (phase {@code CHECKING}) or written so far
 * @param totalRecords the records in the input, known once it is checked; -1 before
 * @param bytes key and value bytes written so far
 * @param elapsedNanos time since the push started
 * @param phase {@code CHECKING} (reading the input once to find bad records before any version
 *     exists), {@code WRITING}, {@code WAITING_FOR_ONLINE} or {@code DONE}
 */
public record PushProgress(long records, long totalRecords, long bytes, long elapsedNanos,
    String phase) {
  /** Records per second so far. */
  public double recordsPerSecond() {
    return elapsedNanos == 0 ? 0 : records * 1e9 / elapsedNanos;
  }
}
