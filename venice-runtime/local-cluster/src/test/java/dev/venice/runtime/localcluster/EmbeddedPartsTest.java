package dev.venice.runtime.localcluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPartsTest {
  @TempDir Path dir;

  @Test
  void zooKeeperAndKafkaComeUpOnLoopback() throws Exception {
    try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(dir.resolve("zk"));
        EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), Duration.ofSeconds(60))) {
      ZooKeeper client = new ZooKeeper(zk.address(), 5000, event -> {});
      try {
        client.create("/probe", new byte[] {7}, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        assertEquals(7, client.getData("/probe", false, null)[0]);
      } finally {
        client.close();
      }
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic("probe_v1", 3, (short) 1))).all().get();
        assertEquals(Set.of("probe_v1"), admin.listTopics().names().get());
      }
    }
  }
}
