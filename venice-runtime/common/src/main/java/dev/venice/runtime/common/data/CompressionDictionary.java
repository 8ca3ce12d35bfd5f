package dev.venice.runtime.common.data;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdDictCompress;
import com.github.luben.zstd.ZstdDictDecompress;
import com.github.luben.zstd.ZstdDictTrainer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A Zstandard dictionary: what a version compressed with {@code ZSTD_WITH_DICT} shares between
 * its push (which trains it on a sample of the input, as Venice's push job does), its servers and
 * its clients. Small values compress far better with one, since each value alone holds too little
 * to learn from.
 *
 * <p>Immutable and thread-safe: the native compression and decompression dictionaries are built
 * once, on first use, and shared (zstd's prepared dictionaries are read-only).
 */
public final class CompressionDictionary {
  /** The largest dictionary accepted (256 KiB): it is stored with the version in ZooKeeper. */
  public static final int MAX_BYTES = 256 * 1024;
  /** The dictionary size a push trains by default (16 KiB, ample for values of a few KB). */
  public static final int DEFAULT_TRAINED_BYTES = 16 * 1024;
  /** The most sample bytes given to the trainer (64 MiB): its buffer holds them all at once. */
  private static final int MAX_TRAINING_BYTES = 64 * 1024 * 1024;
  /** zstd's default level, the one {@code ZSTD} uses. */
  private static final int LEVEL = Zstd.defaultCompressionLevel();

  private final byte[] bytes;
  private volatile ZstdDictCompress compressor;
  private volatile ZstdDictDecompress decompressor;

  private CompressionDictionary(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * A dictionary from its bytes (as trained, or any bytes: zstd then uses them as raw content).
   *
   * @throws IllegalArgumentException when {@code bytes} is empty or over {@link #MAX_BYTES}
   */
  public static CompressionDictionary of(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length == 0 || bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException("a compression dictionary holds 1 to " + MAX_BYTES
          + " bytes; got " + bytes.length);
    }
    return new CompressionDictionary(bytes.clone());
  }

  /**
   * Trains a dictionary of at most {@code maxBytes} on {@code samples} with zstd's trainer (COVER).
   * When the samples are too few or too small to train on (zstd needs a few dozen), their
   * concatenation, cut to {@code maxBytes}, serves as a raw-content dictionary instead: still a
   * valid dictionary, only a weaker one.
   *
   * @param samples values as they will be compressed (serialized, not yet compressed)
   * @param maxBytes the dictionary's size limit, 256 bytes to {@link #MAX_BYTES}
   * @throws IllegalArgumentException when {@code samples} holds no byte at all or {@code maxBytes}
   *     is out of range
   */
  public static CompressionDictionary train(List<byte[]> samples, int maxBytes) {
    if (maxBytes < 256 || maxBytes > MAX_BYTES) {
      throw new IllegalArgumentException("dictionary size must be 256 to " + MAX_BYTES
          + " bytes; got " + maxBytes);
    }
    long total = samples.stream().mapToLong(s -> s.length).sum();
    if (total == 0) {
      throw new IllegalArgumentException("cannot train a compression dictionary on "
          + samples.size() + " empty samples");
    }
    ZstdDictTrainer trainer = new ZstdDictTrainer((int) Math.min(total, MAX_TRAINING_BYTES),
        maxBytes);
    for (byte[] sample : samples) {
      if (sample.length > 0 && !trainer.addSample(sample)) {
        break; // the trainer's buffer is full: the samples so far are plenty
      }
    }
    try {
      return new CompressionDictionary(trainer.trainSamples());
    } catch (RuntimeException tooLittleToTrainOn) {
      return new CompressionDictionary(rawContent(samples, maxBytes));
    }
  }

  private static byte[] rawContent(List<byte[]> samples, int maxBytes) {
    byte[] raw = new byte[0];
    for (byte[] sample : samples) {
      int room = maxBytes - raw.length;
      if (room <= 0) {
        break;
      }
      int take = Math.min(room, sample.length);
      raw = Arrays.copyOf(raw, raw.length + take);
      System.arraycopy(sample, 0, raw, raw.length - take, take);
    }
    return raw;
  }

  /** The dictionary's bytes (a copy). */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Its size in bytes. */
  public int size() {
    return bytes.length;
  }

  /** zstd's id of a trained dictionary (written in every frame it compresses); 0 for raw content. */
  public long id() {
    return Zstd.getDictIdFromDict(bytes);
  }

  /** Compresses {@code value} with this dictionary. */
  public byte[] compress(byte[] value) {
    ZstdDictCompress dict = compressor;
    if (dict == null) {
      dict = compressor = new ZstdDictCompress(bytes, LEVEL);
    }
    return Zstd.compress(value, dict);
  }

  /**
   * Decompresses what {@link #compress} made.
   *
   * @throws IllegalArgumentException when the bytes are not a zstd frame this dictionary can read
   */
  public byte[] decompress(byte[] value) {
    ZstdDictDecompress dict = decompressor;
    if (dict == null) {
      dict = decompressor = new ZstdDictDecompress(bytes);
    }
    long size = Zstd.getFrameContentSize(value);
    if (size < 0 || size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("not valid ZSTD data (" + value.length + " bytes)");
    }
    try {
      return Zstd.decompress(value, dict, (int) size);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not valid ZSTD data for dictionary " + id() + " ("
          + value.length + " bytes): " + e.getMessage(), e);
    }
  }
}
