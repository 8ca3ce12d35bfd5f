package dev.venice.runtime.common.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.common.meta.CompressionStrategy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link CompressionDictionary} and {@link Compression}'s {@code ZSTD_WITH_DICT}: a dictionary
 * trained on small, similar values compresses them far better than plain zstd, round trips, a
 * value needs its own dictionary, too few samples still give a (raw-content) dictionary, and bad
 * input is refused with a reason.
 */
class CompressionDictionaryTest {
  /** Small records that look alike, as a store's values do. */
  private static List<byte[]> values(int count, long seed) {
    Random random = new Random(seed);
    String[] cities = {"Sunnyvale", "Mountain View", "San Francisco", "Dublin", "Bangalore"};
    List<byte[]> values = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      values.add(("{\"name\":\"User " + i + "\",\"email\":\"user" + i + "@example.com\","
          + "\"city\":\"" + cities[random.nextInt(cities.length)] + "\",\"age\":"
          + (18 + random.nextInt(60)) + ",\"plan\":\"premium-annual\",\"active\":true}")
          .getBytes(StandardCharsets.UTF_8));
    }
    return values;
  }

  private static long size(CompressionStrategy strategy, CompressionDictionary dictionary,
      List<byte[]> values) {
    return values.stream().mapToLong(v -> Compression.compress(strategy, dictionary, v).length)
        .sum();
  }

  @Test
  void aTrainedDictionaryBeatsPlainZstdOnSmallValuesAndRoundTrips() {
    List<byte[]> sample = values(2_000, 1);
    CompressionDictionary dictionary = CompressionDictionary.train(sample,
        CompressionDictionary.DEFAULT_TRAINED_BYTES);
    assertTrue(dictionary.size() <= CompressionDictionary.DEFAULT_TRAINED_BYTES);
    assertNotEquals(0, dictionary.id(), "a trained dictionary has an id");
    List<byte[]> unseen = values(500, 2);
    long plain = size(CompressionStrategy.ZSTD, null, unseen);
    long withDictionary = size(CompressionStrategy.ZSTD_WITH_DICT, dictionary, unseen);
    assertTrue(withDictionary * 2 < plain, "with dictionary " + withDictionary
        + " bytes, plain zstd " + plain);
    for (byte[] value : unseen) {
      assertArrayEquals(value, Compression.decompress(CompressionStrategy.ZSTD_WITH_DICT,
          dictionary, Compression.compress(CompressionStrategy.ZSTD_WITH_DICT, dictionary,
              value)));
    }
    assertArrayEquals(dictionary.bytes(), CompressionDictionary.of(dictionary.bytes()).bytes());
  }

  @Test
  void aValueNeedsItsOwnDictionary() {
    CompressionDictionary mine = CompressionDictionary.train(values(2_000, 3), 4_096);
    CompressionDictionary other = CompressionDictionary.train(values(2_000, 4).stream()
        .map(v -> new StringBuilder(new String(v, StandardCharsets.UTF_8)).reverse().toString()
            .getBytes(StandardCharsets.UTF_8)).toList(), 4_096);
    byte[] packed = mine.compress(values(1, 5).get(0));
    IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
        () -> other.decompress(packed));
    assertTrue(wrong.getMessage().startsWith("not valid ZSTD data for dictionary"),
        wrong.getMessage());
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> Compression.decompress(CompressionStrategy.ZSTD_WITH_DICT, packed));
    assertTrue(none.getMessage().contains("need their version's compression dictionary"),
        none.getMessage());
    assertThrows(IllegalArgumentException.class, () -> mine.decompress(new byte[] {1, 2, 3}));
  }

  @Test
  void tooFewSamplesGiveARawContentDictionaryThatStillWorks() {
    List<byte[]> three = values(3, 6);
    CompressionDictionary dictionary = CompressionDictionary.train(three, 1_024);
    assertTrue(dictionary.size() > 0 && dictionary.size() <= 1_024);
    for (byte[] value : three) {
      assertArrayEquals(value, dictionary.decompress(dictionary.compress(value)));
    }
    CompressionDictionary single = CompressionDictionary.train(List.of(new byte[] {7}), 256);
    assertEquals(1, single.size());
  }

  @Test
  void badInputIsRefusedWithAReason() {
    assertThrows(IllegalArgumentException.class, () -> CompressionDictionary.of(new byte[0]));
    assertThrows(IllegalArgumentException.class,
        () -> CompressionDictionary.of(new byte[CompressionDictionary.MAX_BYTES + 1]));
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
        () -> CompressionDictionary.train(List.of(new byte[0], new byte[0]), 1_024));
    assertTrue(empty.getMessage().contains("2 empty samples"), empty.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> CompressionDictionary.train(values(10, 7), 100));
    assertThrows(IllegalArgumentException.class, () -> Compression.compress(
        CompressionStrategy.ZSTD_WITH_DICT, new byte[] {1}));
  }
}
