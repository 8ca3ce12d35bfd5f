package dev.venice.benchmarks.writeamp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.rocksdb.ColumnFamilyOptions;

/**
 * The benchmark's {@code --override name=value}: column-family options set on top of the server's
 * own, for the check's self-test only (showing that it fails when the options get worse). Applied
 * through {@code PartitionStore.open(dir, statistics, tuning)}, the store's one knob for this; a
 * baseline is never measured with overrides. Immutable; values are parsed when constructed, so a
 * bad one fails before anything is written.
 */
final class OptionOverrides implements Consumer<ColumnFamilyOptions> {
  /** The column-family options {@code --override} accepts (RocksDB's option names). */
  static final List<String> OVERRIDABLE = List.of("write_buffer_size",
      "level0_file_num_compaction_trigger", "max_bytes_for_level_base",
      "max_bytes_for_level_multiplier", "target_file_size_base");

  private final Map<String, Number> values = new LinkedHashMap<>();

  /**
   * @param overrides option name to value, as given on the command line; empty for none
   * @throws IllegalArgumentException naming {@code --override} and the option, for a name outside
   *     {@link #OVERRIDABLE} or a value that is not a number
   */
  OptionOverrides(Map<String, String> overrides) {
    overrides.forEach((name, value) -> {
      if (!OVERRIDABLE.contains(name)) {
        throw new IllegalArgumentException("--override: unknown option '" + name + "', one of "
            + OVERRIDABLE);
      }
      try {
        values.put(name, name.equals("max_bytes_for_level_multiplier")
            ? (Number) Double.parseDouble(value) : (Number) Long.parseLong(value));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--override " + name + ": not a number: '" + value
            + "'");
      }
    });
  }

  boolean isEmpty() {
    return values.isEmpty();
  }

  /** Sets every override on {@code o}, the server's column-family options. */
  @Override
  public void accept(ColumnFamilyOptions o) {
    values.forEach((name, value) -> {
      switch (name) {
        case "write_buffer_size" -> o.setWriteBufferSize(value.longValue());
        case "level0_file_num_compaction_trigger" ->
            o.setLevel0FileNumCompactionTrigger(value.intValue());
        case "max_bytes_for_level_base" -> o.setMaxBytesForLevelBase(value.longValue());
        case "max_bytes_for_level_multiplier" ->
            o.setMaxBytesForLevelMultiplier(value.doubleValue());
        case "target_file_size_base" -> o.setTargetFileSizeBase(value.longValue());
        default -> throw new AssertionError(name);
      }
    });
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
