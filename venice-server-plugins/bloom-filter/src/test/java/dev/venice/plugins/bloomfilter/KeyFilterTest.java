package dev.venice.plugins.bloomfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnels;
import com.google.common.hash.Hashing;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link KeyFilter} is the filter Guava builds, bit for bit, for keys of every length. */
class KeyFilterTest {
  private static byte[] randomKey(Random random) {
    byte[] key = new byte[random.nextInt(41)]; // 0 to 40 bytes: every tail length, 0-2 blocks
    random.nextBytes(key);
    return key;
  }

  @Test
  void sameAnswersAndEstimateAsGuavasFilter() {
    for (double fpp : new double[] {0.01, 0.001, 0.3}) {
      int n = 5_000;
      KeyFilter ours = new KeyFilter(n, fpp);
      BloomFilter<byte[]> guava = BloomFilter.create(Funnels.byteArrayFunnel(), n, fpp);
      Random random = new Random(42);
      for (int i = 0; i < n; i++) {
        byte[] key = randomKey(random);
        assertEquals(guava.put(key), ours.put(key), "put of key " + i + " at fpp " + fpp);
      }
      int absentAnswers = 0;
      for (int i = 0; i < 100_000; i++) {
        byte[] key = randomKey(random);
        boolean expected = guava.mightContain(key);
        assertEquals(expected, ours.mightContain(key), "key " + i + " at fpp " + fpp);
        absentAnswers += expected ? 0 : 1;
      }
      assertTrue(absentAnswers > 0, "some absent keys are ruled out at fpp " + fpp);
      assertEquals(guava.expectedFpp(), ours.expectedFpp(), 1e-12, "estimate at fpp " + fpp);
    }
  }

  @Test
  void sizeAndProbesFollowTheFormulas() {
    KeyFilter filter = new KeyFilter(1_000_000, 0.01);
    assertEquals(9_585_088, filter.bitSize(), "9,585,058 bits rounded up to whole words");
    assertEquals(7, filter.hashes(), "k = round((m / n) ln 2)");
    assertEquals(0.0, filter.expectedFpp());
  }

  @Test
  void neverAFalseNegative() {
    KeyFilter filter = new KeyFilter(1_000, 0.01);
    Random random = new Random(7);
    byte[][] keys = new byte[3_000][]; // three times over the expected keys
    for (int i = 0; i < keys.length; i++) {
      keys[i] = randomKey(random);
      filter.put(keys[i]);
    }
    for (byte[] key : keys) {
      assertTrue(filter.mightContain(key));
    }
    assertTrue(filter.expectedFpp() > 0.01, "over-filled: " + filter.expectedFpp());
  }

  @Test
  void hashIsMurmur3x64_128() {
    // the two halves KeyFilter probes with are Guava's murmur3_128 halves: an empty filter of one
    // word with one probe per key sets exactly bit (h1 & MAX) % 64 of that word
    byte[] key = "venice".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    long h1 = Hashing.murmur3_128().hashBytes(key).asLong();
    KeyFilter filter = new KeyFilter(1, 0.5); // 1 bit -> one 64-bit word, k = 1
    assertEquals(1, filter.hashes());
    assertEquals(64, filter.bitSize());
    filter.put(key);
    assertTrue(filter.mightContain(key));
    int bit = (int) ((h1 & Long.MAX_VALUE) % 64);
    // another key landing on a different bit is ruled out
    for (int i = 0; i < 1000; i++) {
      byte[] other = ("k" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      long o = Hashing.murmur3_128().hashBytes(other).asLong();
      assertEquals((int) ((o & Long.MAX_VALUE) % 64) == bit, filter.mightContain(other), "k" + i);
    }
  }

  @Test
  void refusesBadSizes() {
    assertThrows(IllegalArgumentException.class, () -> new KeyFilter(0, 0.01));
    assertThrows(IllegalArgumentException.class, () -> new KeyFilter(10, 0));
    assertThrows(IllegalArgumentException.class, () -> new KeyFilter(10, 1));
    assertFalse(new KeyFilter(10, 0.01).mightContain(new byte[0]));
  }
}
