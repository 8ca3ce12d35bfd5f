package dev.venice.spi.server;

import dev.venice.spi.Experimental;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Optional;

/**
 * The {@code write-path-timestamp-map} Kafka header of a sampled real-time write (Venice's seed
 * project 32): when the online producer sent it and when the partition's leader dequeued it, as
 * epoch microseconds. The producer adds it to a sampled fraction of its writes; the leader adds its
 * stamp to the header of the copy it writes to the version topic; a replica applying the copy sees
 * it in {@link IngestionRecord#headers()}, and its own clock after the write gives the third stamp
 * ({@code t_rocksdb_written}). Stamps of different hosts differ by their clocks' skew.
 *
 * <p>Encoding: 8 bytes (the producer's stamp) or 16 bytes (then the leader's), big-endian signed
 * longs. Immutable.
 *
 * @param producedMicros {@code t_produced}: when the producer sent the write (epoch µs)
 * @param leaderReceivedMicros {@code t_leader_received}: when the leader dequeued it (epoch µs), or
 *     {@code -1} before the leader stamped it
 * @since 1.5.0
 */
@Experimental(since = "1.5.0")
public record WritePathTimestampMap(long producedMicros, long leaderReceivedMicros) {
  /** The header's name. */
  public static final String HEADER = "write-path-timestamp-map";

  /** An instant as epoch microseconds, the unit of the stamps. */
  public static long epochMicros(Instant instant) {
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L),
        instant.getNano() / 1_000);
  }

  /** A producer's stamp alone. */
  public static WritePathTimestampMap produced(long producedMicros) {
    return new WritePathTimestampMap(producedMicros, -1);
  }

  /** This map with the leader's stamp. */
  public WritePathTimestampMap leaderReceived(long micros) {
    return new WritePathTimestampMap(producedMicros, micros);
  }

  /** The header value: 8 or 16 bytes. */
  public byte[] encode() {
    ByteBuffer bytes = ByteBuffer.allocate(leaderReceivedMicros < 0 ? 8 : 16);
    bytes.putLong(producedMicros);
    if (leaderReceivedMicros >= 0) {
      bytes.putLong(leaderReceivedMicros);
    }
    return bytes.array();
  }

  /**
   * Reads a header value; empty for {@code null} or a value of another length (a newer producer's
   * longer map still yields its first two stamps).
   */
  public static Optional<WritePathTimestampMap> parse(byte[] value) {
    if (value == null || value.length < 8 || value.length % 8 != 0) {
      return Optional.empty();
    }
    ByteBuffer bytes = ByteBuffer.wrap(value);
    long produced = bytes.getLong();
    return Optional.of(new WritePathTimestampMap(produced,
        value.length >= 16 ? bytes.getLong() : -1));
  }
}
