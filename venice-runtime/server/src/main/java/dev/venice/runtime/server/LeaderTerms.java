package dev.venice.runtime.server;

import dev.venice.runtime.common.meta.ZkPaths;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.helix.zookeeper.impl.client.ZkClient;
import org.apache.helix.zookeeper.zkclient.exception.ZkBadVersionException;
import org.apache.helix.zookeeper.zkclient.exception.ZkNoNodeException;
import org.apache.helix.zookeeper.zkclient.exception.ZkNodeExistsException;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;

/**
 * The leadership term of each version-topic partition, kept in ZooKeeper ({@link
 * ZkPaths#leaderTerm}): a replica raises it when Helix makes it the leader, and may (re)open its
 * transactional producer only while it holds the newest term. The Kafka transaction a leader opens
 * fences every earlier leader; the term keeps an earlier leader that wakes up from reopening one and
 * so fencing the current leader in turn.
 *
 * <p>Holding the newest term is confirmed with a conditional write (the term written again at the
 * node version this replica last saw), not a read: ZooKeeper orders writes, so a confirmation
 * cannot succeed after a newer raise, even through a lagging ZooKeeper server. The term node is
 * created by the controller with the version; a term is never raised for a dropped version.
 * Thread-safe.
 */
final class LeaderTerms {
  /**
   * A term this replica holds.
   *
   * @param value the term, 1 or more
   * @param nodeVersion the ZooKeeper version of the term node as this replica last wrote it
   */
  record Term(long value, int nodeVersion) {}

  private final ZkClient zk;
  private final String cluster;

  LeaderTerms(ZkClient zk, String cluster) {
    this.zk = zk;
    this.cluster = cluster;
  }

  /**
   * Raises the partition's term (a conditional write, retried on conflict) and returns it.
   *
   * @throws IllegalStateException when the version's term directory is gone (the version was
   *     dropped); ZooKeeper errors as thrown by the client (the Helix transition then fails)
   */
  Term raise(String topic, int partition) {
    String path = ZkPaths.leaderTerm(cluster, topic, partition);
    while (true) {
      Stat stat = new Stat();
      byte[] data;
      try {
        data = zk.readData(path, stat);
      } catch (ZkNoNodeException absent) {
        try {
          zk.create(path, bytes(1), CreateMode.PERSISTENT); // with its data, atomically
          return new Term(1, 0);
        } catch (ZkNodeExistsException raced) {
          continue;
        } catch (ZkNoNodeException dropped) {
          throw new IllegalStateException(topic + " has no leadership terms in ZooKeeper: the"
              + " version was dropped", dropped);
        }
      }
      long next = parse(data) + 1;
      try {
        Stat written = zk.writeDataReturnStat(path, bytes(next), stat.getVersion());
        return new Term(next, written.getVersion());
      } catch (ZkBadVersionException raced) {
        // another replica raised it meanwhile: read again
      }
    }
  }

  /**
   * Confirms that {@code mine} is still the newest term.
   *
   * @return the term with its new node version when it is, empty when a newer term exists (or the
   *     version was dropped)
   */
  Optional<Term> confirm(String topic, int partition, Term mine) {
    try {
      Stat written = zk.writeDataReturnStat(ZkPaths.leaderTerm(cluster, topic, partition),
          bytes(mine.value()), mine.nodeVersion());
      return Optional.of(new Term(mine.value(), written.getVersion()));
    } catch (ZkBadVersionException | ZkNoNodeException superseded) {
      return Optional.empty();
    }
  }

  private static long parse(byte[] data) {
    return data == null || data.length == 0 ? 0
        : Long.parseLong(new String(data, StandardCharsets.UTF_8).trim());
  }

  private static byte[] bytes(long term) {
    return Long.toString(term).getBytes(StandardCharsets.UTF_8);
  }
}
