package dev.venice.runtime.metadata;

import dev.venice.spi.controller.PluginStateStore;
import dev.venice.spi.controller.StateConflictException;
import dev.venice.spi.controller.StateEntry;
import dev.venice.spi.host.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.helix.zookeeper.impl.client.ZkClient;
import org.apache.helix.zookeeper.zkclient.IZkDataListener;
import org.apache.helix.zookeeper.zkclient.exception.ZkBadVersionException;
import org.apache.helix.zookeeper.zkclient.exception.ZkException;
import org.apache.helix.zookeeper.zkclient.exception.ZkNoNodeException;
import org.apache.helix.zookeeper.zkclient.exception.ZkNodeExistsException;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;

/**
 * A plugin's {@link PluginStateStore} in ZooKeeper, under {@code /<cluster>/plugin-state/<pluginId>}
 * (next to the cluster's own metadata, so it shares its ACLs, backups and lifetime). Conditional
 * writes are ZooKeeper's own: {@code setData} and {@code delete} with an expected version, {@code
 * create} failing on an existing node; watches are its data watches. Controllers, servers and
 * routers each open one per plugin on their own ZooKeeper client. Thread-safe (the ZooKeeper client
 * is).
 */
public final class ZkPluginStateStore implements PluginStateStore {
  private final ZkClient zk;
  private final String root;
  private final String pluginId;

  /**
   * @param zk the process's metadata client (raw bytes); not owned
   * @param cluster the cluster name
   * @param pluginId the plugin whose state this is
   */
  public ZkPluginStateStore(ZkClient zk, String cluster, String pluginId) {
    this.zk = zk;
    this.pluginId = pluginId;
    this.root = "/" + cluster + "/plugin-state/" + pluginId;
  }

  @Override
  public Optional<StateEntry> read(String path) {
    String znode = znode(path);
    return call(path, () -> {
      Stat stat = new Stat();
      try {
        return Optional.of(entry(path, zk.readData(znode, stat, false), stat));
      } catch (ZkNoNodeException e) {
        return Optional.<StateEntry>empty();
      }
    });
  }

  @Override
  public StateEntry create(String path, byte[] data) {
    String znode = znode(path);
    PluginStateStore.checkData(path, data);
    return call(path, () -> {
      createParents(znode);
      try {
        zk.create(znode, data, CreateMode.PERSISTENT);
      } catch (ZkNodeExistsException e) {
        throw new StateConflictException("plugin " + pluginId + " state " + path
            + " already exists");
      }
      return reread(path, znode);
    });
  }

  @Override
  public StateEntry update(String path, byte[] data, int expectedVersion) {
    String znode = znode(path);
    PluginStateStore.checkData(path, data);
    return call(path, () -> {
      try {
        Stat stat = zk.writeDataReturnStat(znode, data, expectedVersion);
        return entry(path, data, stat);
      } catch (ZkBadVersionException e) {
        throw new StateConflictException("plugin " + pluginId + " state " + path
            + " changed since version " + expectedVersion + " was read");
      } catch (ZkNoNodeException e) {
        throw new StateConflictException("plugin " + pluginId + " state " + path
            + " does not exist (deleted since it was read?)");
      }
    });
  }

  @Override
  public StateEntry append(String parent, byte[] data) {
    String znode = znode(parent);
    PluginStateStore.checkData(parent, data);
    return call(parent, () -> {
      zk.createPersistent(znode, true);
      String created = zk.create(znode + "/", data, CreateMode.PERSISTENT_SEQUENTIAL);
      String name = created.substring(created.lastIndexOf('/') + 1);
      return reread(parent.isEmpty() ? name : parent + "/" + name, created);
    });
  }

  @Override
  public List<String> children(String path) {
    String znode = znode(path);
    return call(path, () -> {
      try {
        List<String> names = new ArrayList<>(zk.getChildren(znode));
        names.sort(null);
        return names;
      } catch (ZkNoNodeException e) {
        return List.<String>of();
      }
    });
  }

  @Override
  public boolean delete(String path, int expectedVersion) {
    String znode = znode(path);
    return call(path, () -> {
      try {
        return zk.delete(znode, expectedVersion);
      } catch (ZkBadVersionException e) {
        throw new StateConflictException("plugin " + pluginId + " state " + path
            + " is not at version " + expectedVersion);
      } catch (ZkException e) {
        if (e.getCause() instanceof org.apache.zookeeper.KeeperException.NotEmptyException) {
          throw new IllegalStateException("plugin " + pluginId + " state " + path
              + " has children: delete them first", e);
        }
        throw e;
      }
    });
  }

  @Override
  public Subscription watch(String path, Runnable onChange) {
    String znode = znode(path);
    IZkDataListener listener = new IZkDataListener() {
      @Override
      public void handleDataChange(String dataPath, Object data) {
        onChange.run();
      }

      @Override
      public void handleDataDeleted(String dataPath) {
        // Helix's client sets no watch on a deleted node: set one again, or a node created
        // afterwards (an ACL node recreated by hand) would never be seen
        zk.watchForData(dataPath);
        onChange.run();
      }
    };
    call(path, () -> {
      zk.subscribeDataChanges(znode, listener);
      return null;
    });
    return () -> zk.unsubscribeDataChanges(znode, listener);
  }

  private void createParents(String znode) {
    String parent = znode.substring(0, znode.lastIndexOf('/'));
    zk.createPersistent(parent, true);
  }

  private StateEntry reread(String path, String znode) {
    Stat stat = new Stat();
    byte[] data = zk.readData(znode, stat, false);
    return entry(path, data, stat);
  }

  private static StateEntry entry(String path, byte[] data, Stat stat) {
    return new StateEntry(path, data == null ? new byte[0] : data, stat.getVersion(),
        stat.getCzxid(), stat.getMzxid(), stat.getCtime(), stat.getMtime());
  }

  /** The znode of a relative path, or an {@link IllegalArgumentException} naming it. */
  private String znode(String path) {
    return PluginStateStore.segments(path).isEmpty() ? root : root + "/" + path;
  }

  /** Runs a ZooKeeper call; a lost connection is an {@link IllegalStateException} naming path. */
  private <T> T call(String path, java.util.function.Supplier<T> work) {
    try {
      return work.get();
    } catch (StateConflictException | IllegalArgumentException | IllegalStateException e) {
      throw e;
    } catch (ZkException e) {
      throw new IllegalStateException("plugin " + pluginId + " state " + path
          + ": ZooKeeper failed: " + e.getMessage(), e);
    }
  }
}
