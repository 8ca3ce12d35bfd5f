package dev.venice.runtime.server;

import dev.venice.runtime.common.meta.ZkPaths;
import java.nio.charset.StandardCharsets;
import org.apache.helix.zookeeper.impl.client.ZkClient;
import org.apache.helix.zookeeper.zkclient.exception.ZkBadVersionException;
import org.apache.helix.zookeeper.zkclient.exception.ZkNoNodeException;
import org.apache.helix.zookeeper.zkclient.exception.ZkNodeExistsException;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;

/**
 * The leadership term of each version-topic partition, kept in ZooKeeper ({@link
 * ZkPaths#leaderTerm}): a replica raises it when Helix makes it the leader, and a replica may
 * (re)start copying the real-time topic only while it holds the highest term. The Kafka
 * transaction that a leader opens fences any earlier leader; the term keeps an earlier leader that
 * wakes up from (re)opening one and fencing the current leader in turn. Thread-safe.
 */
final class LeaderTerms {
  private final ZkClient zk;
  private final String cluster;

  LeaderTerms(ZkClient zk, String cluster) {
    this.zk = zk;
    this.cluster = cluster;
  }

  /**
   * Raises the partition's term (a conditional write, retried on conflict) and returns the new one.
   *
   * @throws RuntimeException when ZooKeeper cannot be written (the Helix transition then fails)
   */
  long raise(String topic, int partition) {
    String path = ZkPaths.leaderTerm(cluster, topic, partition);
    while (true) {
      Stat stat = new Stat();
      byte[] data;
      try {
        data = zk.readData(path, stat);
      } catch (ZkNoNodeException absent) {
        zk.createPersistent(ZkPaths.leaderTerms(cluster, topic), true);
        try {
          zk.create(path, bytes(1), CreateMode.PERSISTENT); // created with its data, atomically
          return 1;
        } catch (ZkNodeExistsException raced) {
          continue;
        }
      }
      long next = parse(data) + 1;
      try {
        zk.writeData(path, bytes(next), stat.getVersion());
        return next;
      } catch (ZkBadVersionException raced) {
        // another replica raised it meanwhile: read again
      }
    }
  }

  /** The partition's current term, 0 when none was ever raised. */
  long current(String topic, int partition) {
    byte[] data = zk.readData(ZkPaths.leaderTerm(cluster, topic, partition), true);
    return data == null ? 0 : parse(data);
  }

  private static long parse(byte[] data) {
    return data == null || data.length == 0 ? 0
        : Long.parseLong(new String(data, StandardCharsets.UTF_8).trim());
  }

  private static byte[] bytes(long term) {
    return Long.toString(term).getBytes(StandardCharsets.UTF_8);
  }
}
