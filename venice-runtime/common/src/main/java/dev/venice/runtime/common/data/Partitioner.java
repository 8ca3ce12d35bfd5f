package dev.venice.runtime.common.data;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Venice's default partitioner: the MD5 digest of the serialized key, its 16 bytes folded into a
 * number modulo the partition count. Every client, producer and server must agree on it.
 */
public final class Partitioner {
  private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no MD5", e);
    }
  });

  private Partitioner() {}

  /** The partition of {@code key} among {@code partitionCount} partitions. */
  public static int partition(byte[] key, int partitionCount) {
    if (partitionCount < 1) {
      throw new IllegalArgumentException("partition count must be at least 1, got "
          + partitionCount);
    }
    byte[] digest = MD5.get().digest(key);
    int mod = 0;
    for (byte b : digest) {
      mod = (mod * 256 + (b & 0xFF)) % partitionCount;
    }
    return Math.abs(mod % partitionCount);
  }
}
