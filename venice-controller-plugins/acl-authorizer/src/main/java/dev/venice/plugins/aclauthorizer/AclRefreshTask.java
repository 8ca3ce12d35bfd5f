package dev.venice.plugins.aclauthorizer;

import dev.venice.spi.plugin.BackgroundTask;
import java.time.Duration;

/**
 * Re-reads the ACL node every {@code refresh-interval} (run by the host on the plugin's scheduler),
 * a backstop for a ZooKeeper watch event that never came. Thread-safe as {@link AclCache}.
 */
final class AclRefreshTask implements BackgroundTask {
  private final AclCache acls;
  private final Duration interval;

  AclRefreshTask(AclCache acls, Duration interval) {
    this.acls = acls;
    this.interval = interval;
  }

  @Override
  public String name() {
    return "acl-refresh";
  }

  @Override
  public Duration interval() {
    return interval;
  }

  @Override
  public void run() {
    acls.reload();
  }
}
