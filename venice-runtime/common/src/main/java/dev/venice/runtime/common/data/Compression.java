package dev.venice.runtime.common.data;

import com.github.luben.zstd.Zstd;
import dev.venice.runtime.common.meta.CompressionStrategy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Compresses and decompresses values with a version's {@link CompressionStrategy} and, for {@code
 * ZSTD_WITH_DICT}, its {@link CompressionDictionary}.
 */
public final class Compression {
  private Compression() {}

  /**
   * Compresses {@code value} with a strategy that needs no dictionary.
   *
   * @throws IllegalArgumentException for {@code ZSTD_WITH_DICT} (use the overload with the
   *     version's dictionary)
   */
  public static byte[] compress(CompressionStrategy strategy, byte[] value) {
    return compress(strategy, null, value);
  }

  /**
   * Compresses {@code value}.
   *
   * @param dictionary the version's dictionary; needed for {@code ZSTD_WITH_DICT}, else ignored
   * @throws IllegalArgumentException for {@code ZSTD_WITH_DICT} without a dictionary
   */
  public static byte[] compress(CompressionStrategy strategy, CompressionDictionary dictionary,
      byte[] value) {
    return switch (strategy) {
      case NO_OP -> value;
      case GZIP -> gzip(value);
      case ZSTD -> Zstd.compress(value);
      case ZSTD_WITH_DICT -> required(dictionary).compress(value);
    };
  }

  /**
   * Decompresses {@code value} of a strategy that needs no dictionary.
   *
   * @throws IllegalArgumentException when the bytes are not valid for the strategy, or for {@code
   *     ZSTD_WITH_DICT}
   */
  public static byte[] decompress(CompressionStrategy strategy, byte[] value) {
    return decompress(strategy, null, value);
  }

  /**
   * Decompresses {@code value}.
   *
   * @param dictionary the version's dictionary; needed for {@code ZSTD_WITH_DICT}, else ignored
   * @throws IllegalArgumentException when the bytes are not valid for the strategy, or for {@code
   *     ZSTD_WITH_DICT} without a dictionary
   */
  public static byte[] decompress(CompressionStrategy strategy, CompressionDictionary dictionary,
      byte[] value) {
    return switch (strategy) {
      case NO_OP -> value;
      case GZIP -> gunzip(value);
      case ZSTD -> unzstd(value);
      case ZSTD_WITH_DICT -> required(dictionary).decompress(value);
    };
  }

  private static CompressionDictionary required(CompressionDictionary dictionary) {
    if (dictionary == null) {
      throw new IllegalArgumentException("ZSTD_WITH_DICT values need their version's"
          + " compression dictionary, and none was given");
    }
    return dictionary;
  }

  private static byte[] gzip(byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(value.length / 2 + 32);
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] gunzip(byte[] value) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(value))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalArgumentException("not valid GZIP data (" + value.length + " bytes): "
          + e.getMessage(), e);
    }
  }

  private static byte[] unzstd(byte[] value) {
    long size = Zstd.getFrameContentSize(value);
    if (size < 0 || size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("not valid ZSTD data (" + value.length + " bytes)");
    }
    try {
      return Zstd.decompress(value, (int) size);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not valid ZSTD data (" + value.length + " bytes): "
          + e.getMessage(), e);
    }
  }
}
