package dev.venice.plugins.bloomfilter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Bloom filter of byte-array keys, bit for bit the filter Guava's {@code
 * BloomFilter.create(Funnels.byteArrayFunnel(), n, p)} builds (which this plugin used up to 1.1.0):
 * the same size, the same hash functions, the same answers for every key, checked against Guava in
 * {@code KeyFilterTest}. What differs is the cost of a lookup: the key is hashed in place, with no
 * hasher, buffer or hash-code objects, so {@link #mightContain} allocates nothing.
 *
 * <p><b>Algorithm.</b> {@code m = -n ln p / (ln 2)^2} bits rounded up to whole 64-bit words, {@code
 * k = round((m / n) ln 2)} probes (Bloom 1970; the optimum from Broder and Mitzenmacher, "Network
 * Applications of Bloom Filters", 2004). The key is hashed once with MurmurHash3 x64 128-bit (seed
 * 0, Austin Appleby's reference algorithm); its halves {@code h1, h2} give probe {@code i} at
 * {@code (h1 + i h2) mod m} (Kirsch and Mitzenmacher, "Less Hashing, Same Performance", 2006) —
 * Guava's {@code MURMUR128_MITZ_64} strategy.
 *
 * <p><b>Thread-safety.</b> Any number of threads may call {@link #put} and {@link #mightContain}
 * at once. Bits are set with an atomic read-modify-write and read with volatile reads, so a key
 * whose {@code put} returned is seen by every later {@code mightContain}: never a false negative.
 */
final class KeyFilter {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long C1 = 0x87c37b91114253d5L;
  private static final long C2 = 0x4cf5ad432745937fL;

  private final AtomicLongArray words;
  private final long bitSize;
  private final int hashes;
  private final LongAdder bitCount = new LongAdder();

  /**
   * A filter for {@code expectedKeys} keys at false-positive rate {@code falsePositiveRate}.
   *
   * @throws IllegalArgumentException if {@code expectedKeys < 1}, {@code falsePositiveRate} is
   *     not in (0, 1), or the filter would need more than {@code 2^31 - 1} words (16 GiB)
   */
  KeyFilter(long expectedKeys, double falsePositiveRate) {
    if (expectedKeys < 1) {
      throw new IllegalArgumentException("expected keys must be at least 1: " + expectedKeys);
    }
    if (!(falsePositiveRate > 0 && falsePositiveRate < 1)) {
      throw new IllegalArgumentException("false-positive rate must be in (0, 1): "
          + falsePositiveRate);
    }
    long bits = (long) (-expectedKeys * Math.log(falsePositiveRate)
        / (Math.log(2) * Math.log(2)));
    long wordCount = (bits + 63) / 64;
    if (wordCount > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("a filter of " + bits + " bits is too large");
    }
    this.words = new AtomicLongArray((int) wordCount);
    this.bitSize = wordCount * 64;
    this.hashes = Math.max(1, (int) Math.round((double) bits / expectedKeys * Math.log(2)));
  }

  /** Adds {@code key}; returns whether any bit changed. */
  boolean put(byte[] key) {
    return probe(key, true);
  }

  /** Whether {@code key} may have been added; {@code false} means it definitely was not. */
  boolean mightContain(byte[] key) {
    return probe(key, false);
  }

  /** The estimated false-positive rate now: (bits set / bits)^k, as Guava's expectedFpp. */
  double expectedFpp() {
    return Math.pow((double) bitCount.sum() / bitSize, hashes);
  }

  /** The filter's size in bits (a multiple of 64). */
  long bitSize() {
    return bitSize;
  }

  /** The number of probes per key. */
  int hashes() {
    return hashes;
  }

  // ---- MurmurHash3 x64 128, then the k probes --------------------------------------------

  /**
   * Hashes {@code key} (MurmurHash3 x64 128, seed 0, as Guava's {@code Hashing.murmur3_128()})
   * and visits its k bits: sets them ({@code add}, returning whether any changed) or tests them
   * (returning whether all are set). One method so that both halves of the hash stay in locals.
   */
  private boolean probe(byte[] key, boolean add) {
    long h1 = 0;
    long h2 = 0;
    int length = key.length;
    int i = 0;
    for (; i + 16 <= length; i += 16) {
      long k1 = (long) LONGS.get(key, i);
      long k2 = (long) LONGS.get(key, i + 8);
      h1 ^= mixK1(k1);
      h1 = Long.rotateLeft(h1, 27);
      h1 += h2;
      h1 = h1 * 5 + 0x52dce729;
      h2 ^= mixK2(k2);
      h2 = Long.rotateLeft(h2, 31);
      h2 += h1;
      h2 = h2 * 5 + 0x38495ab5;
    }
    int rest = length - i;
    if (rest > 0) {
      long k1 = 0;
      long k2 = 0;
      if (rest > 8) {
        for (int j = rest - 1; j >= 8; j--) {
          k2 ^= (long) (key[i + j] & 0xff) << ((j - 8) * 8);
        }
        k1 = (long) LONGS.get(key, i);
      } else if (rest == 8) {
        k1 = (long) LONGS.get(key, i);
      } else {
        for (int j = rest - 1; j >= 0; j--) {
          k1 ^= (long) (key[i + j] & 0xff) << (j * 8);
        }
      }
      h1 ^= mixK1(k1);
      h2 ^= mixK2(k2);
    }
    h1 ^= length;
    h2 ^= length;
    h1 += h2;
    h2 += h1;
    h1 = fmix64(h1);
    h2 = fmix64(h2);
    h1 += h2;
    h2 += h1;

    boolean changed = false;
    long combined = h1;
    for (int n = 0; n < hashes; n++) {
      long bit = (combined & Long.MAX_VALUE) % bitSize;
      int word = (int) (bit >>> 6);
      long mask = 1L << bit;
      if (add) {
        if ((words.getAndAccumulate(word, mask, KeyFilter::or) & mask) == 0) {
          bitCount.increment();
          changed = true;
        }
      } else if ((words.get(word) & mask) == 0) {
        return false;
      }
      combined += h2;
    }
    return add ? changed : true;
  }

  private static long or(long word, long mask) {
    return word | mask;
  }

  private static long mixK1(long k1) {
    return Long.rotateLeft(k1 * C1, 31) * C2;
  }

  private static long mixK2(long k2) {
    return Long.rotateLeft(k2 * C2, 33) * C1;
  }

  private static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
