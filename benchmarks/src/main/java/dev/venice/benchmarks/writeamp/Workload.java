package dev.venice.benchmarks.writeamp;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fixed workload the write-amplification benchmark writes into one partition: {@code keys}
 * distinct keys as a batch push would (each once, in hashed, not sorted, order), then
 * {@code overwrites} real-time updates of keys drawn uniformly from those, every value
 * {@code valueBytes} random bytes (incompressible) behind the 4-byte schema id a server stores.
 * Everything derives from {@code seed}, so two runs write byte-for-byte the same records.
 *
 * <p>{@code pace} is how the writer meets compaction: {@link Pace#QUIESCENT} waits, after each
 * memtable switch, until flushes and compactions are idle before it writes on (the LSM tree then
 * goes through the same shapes every run, so the figure is reproducible); {@link Pace#FREE} never
 * waits, as ingestion does (compaction then merges however many level-0 files have piled up, which
 * depends on the machine's speed).
 *
 * @param name a label ({@code short}, {@code full} or {@code custom})
 * @param keys distinct keys written first, &gt; 0
 * @param overwrites updates written after them, &ge; 0
 * @param keyBytes bytes per key (hex text of a 64-bit hash), 16
 * @param valueBytes value bytes per record before the 4-byte schema id, &gt; 0
 * @param seed the seed of the key order, the overwritten keys and the values
 * @param pace how the writer waits for background work
 */
public record Workload(String name, long keys, long overwrites, int keyBytes, int valueBytes,
    long seed, Pace pace) {
  /** How the writer meets flushes and compactions. */
  public enum Pace { QUIESCENT, FREE }

  /** Bytes of the schema id a server stores before every value ({@code PartitionStore.record}). */
  public static final int SCHEMA_ID_BYTES = 4;

  public Workload {
    if (keys <= 0 || overwrites < 0 || valueBytes <= 0 || keyBytes != 16) {
      throw new IllegalArgumentException("workload needs --keys > 0, --overwrites >= 0,"
          + " --value-bytes > 0 (got keys=" + keys + ", overwrites=" + overwrites
          + ", value-bytes=" + valueBytes + ")");
    }
  }

  /** The CI check's workload: ~470 MB of user bytes, enough for level-0 to level-1 compactions. */
  public static Workload shortRun() {
    return new Workload("short", 300_000, 150_000, 16, 1024, 47, Pace.QUIESCENT);
  }

  /** The report's workload: ~2.6 GB of user bytes, deep enough for level-1 to level-2 compactions. */
  public static Workload fullRun() {
    return new Workload("full", 1_500_000, 1_000_000, 16, 1024, 47, Pace.QUIESCENT);
  }

  /** Records written. */
  public long records() {
    return keys + overwrites;
  }

  /** User bytes: key plus stored value (schema id and value) of every data record. */
  public long userBytes() {
    return records() * (keyBytes + SCHEMA_ID_BYTES + (long) valueBytes);
  }

  /** The parameters that define the workload, as stored in a baseline and compared with it. */
  public Map<String, Object> parameters() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("keys", keys);
    p.put("overwrites", overwrites);
    p.put("keyBytes", keyBytes);
    p.put("valueBytes", valueBytes);
    p.put("seed", seed);
    p.put("pace", pace.name());
    return p;
  }

  /** One line for reports. */
  public String describe() {
    return String.format("%s: %,d keys then %,d overwrites (uniform), %d-byte keys, %,d-byte values"
        + " + %d-byte schema id, seed %d, pace %s; %,.1f MB of user bytes", name, keys, overwrites,
        keyBytes, valueBytes, SCHEMA_ID_BYTES, seed, pace, userBytes() / 1e6);
  }
}
