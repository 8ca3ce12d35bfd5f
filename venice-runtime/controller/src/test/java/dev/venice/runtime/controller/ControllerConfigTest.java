package dev.venice.runtime.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.venice.runtime.common.config.ProcessConfig;
import dev.venice.spi.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControllerConfigTest {
  @TempDir Path dir;

  private static Map<String, String> minimal() {
    Map<String, String> config = new HashMap<>();
    config.put("cluster.name", "c1");
    config.put("zookeeper.address", "127.0.0.1:2181");
    config.put("kafka.bootstrap.servers", "127.0.0.1:9092");
    return config;
  }

  @Test
  void defaultsApply() {
    ProcessConfig config = ControllerConfig.parse(minimal());
    assertEquals("c1", config.get(ControllerConfig.CLUSTER_NAME));
    assertEquals(Duration.ofMinutes(30), config.get(ControllerConfig.PUSH_TIMEOUT));
    assertEquals(2, config.get(ControllerConfig.DEFAULT_VERSIONS_TO_PRESERVE));
    assertEquals(8, config.get(ControllerConfig.CLUSTER_VIEW_MAX_PARALLEL_CALLS));
  }

  @Test
  void badSettingsNameTheKey() {
    Map<String, String> missing = minimal();
    missing.remove("zookeeper.address");
    assertEquals("missing configuration key zookeeper.address for the controller: ZooKeeper"
        + " connect string, host:port[,host:port]",
        assertThrows(ConfigException.class, () -> ControllerConfig.parse(missing)).getMessage());

    Map<String, String> typo = minimal();
    typo.put("admin.prot", "5555");
    assertEquals("admin.prot", assertThrows(ConfigException.class,
        () -> ControllerConfig.parse(typo)).key());

    Map<String, String> bad = minimal();
    bad.put("admin.port", "99999");
    assertEquals("bad value '99999' for admin.port: expected an integer from 0 to 65535",
        assertThrows(ConfigException.class, () -> VeniceController.start(bad)).getMessage());

    Map<String, String> noCalls = minimal();
    noCalls.put("cluster.view.max.parallel.calls", "0");
    assertEquals("bad value '0' for cluster.view.max.parallel.calls: expected an integer from 1"
        + " to 256", assertThrows(ConfigException.class,
            () -> ControllerConfig.parse(noCalls)).getMessage());

    Map<String, String> plugins = minimal();
    plugins.put("plugins.anything.goes", "here");
    ControllerConfig.parse(plugins);
  }

  @Test
  void loadsAPropertiesFileAndNamesAMissingOne() throws IOException {
    Path file = dir.resolve("controller.properties");
    Files.writeString(file, "cluster.name = c2\nzookeeper.address=zk:2181\n"
        + "kafka.bootstrap.servers=k:9092\npush.timeout=10m\n");
    assertEquals(Duration.ofMinutes(10),
        ControllerConfig.parse(ProcessConfig.load(file)).get(ControllerConfig.PUSH_TIMEOUT));
    NoSuchFileException e = assertThrows(NoSuchFileException.class,
        () -> ProcessConfig.load(dir.resolve("nope.properties")));
    assertEquals(dir.resolve("nope.properties").toString(), e.getFile());
  }
}
