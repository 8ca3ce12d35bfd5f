package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.meta.ReplicaStatus;
import dev.venice.runtime.common.meta.Version;
import dev.venice.runtime.common.meta.VersionStatus;
import dev.venice.runtime.controller.VeniceController;
import dev.venice.runtime.localcluster.LocalCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two controllers on one cluster: one leads, the standby redirects, and takes over. */
class ControllerFailoverTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void theStandbyRedirectsMutationsAndTakesOverWhenTheLeaderGoes() throws Exception {
    try (LocalCluster cluster = LocalCluster.builder().controllers(2).servers(1)
        .controllerConfig("push.monitor.interval", "50ms").build()) {
      VeniceController leader = cluster.leader(WAIT);
      VeniceController standby = cluster.controllers().stream().filter(c -> c != leader)
          .findFirst().orElseThrow();
      assertFalse(standby.isLeader());

      HttpResponse<String> raw = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create(standby.url() + "/stores?dryRun=true"))
          .POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(307, raw.statusCode());
      assertEquals(leader.url() + "/stores?dryRun=true",
          raw.headers().firstValue("Location").orElseThrow());

      ControllerClient viaStandby = new ControllerClient(standby.url());
      viaStandby.createStore("failover", Schemas.KEY, Schemas.USER_V1, 2, 1);
      Version v1 = viaStandby.startPush("failover");
      assertEquals("failover", viaStandby.getStore("failover").name(), "reads on the standby");

      cluster.stopController(leader);
      LocalCluster.waitFor("the standby to lead", WAIT, standby::isLeader);

      for (int p = 0; p < v1.partitionCount(); p++) {
        ReplicaReports.report(viaStandby, cluster.servers().get(0).instanceId(), "failover", 1, p,
            ReplicaStatus.COMPLETED, WAIT);
      }
      LocalCluster.waitFor("version 1 online under the new leader", WAIT,
          () -> viaStandby.pushStatus("failover", 1).status() == VersionStatus.ONLINE);
      assertEquals(1, viaStandby.getStore("failover").currentVersion());
      assertEquals(5, viaStandby.updateStore("failover", Map.of("numVersionsToPreserve", 5))
          .numVersionsToPreserve());

      VeniceController third = cluster.addController();
      assertNotEquals(third.url(), standby.url());
      assertTrue(standby.isLeader(), "a new controller joins as standby");
      assertEquals(standby.url(), new ControllerClient(third.url()).cluster().get("leader")
          .asText());
    }
  }

  @Test
  void aPushThatTimesOutIsMarkedErrorAndNeverServes() throws Exception {
    try (LocalCluster cluster = LocalCluster.builder().servers(1)
        .controllerConfig("push.monitor.interval", "50ms")
        .controllerConfig("push.timeout", "10s").build()) {
      ControllerClient admin = new ControllerClient(cluster.controllerUrl());
      admin.createStore("slow", Schemas.KEY, Schemas.USER_V1, 2, 1);
      admin.startPush("slow");
      ReplicaReports.report(admin, cluster.servers().get(0).instanceId(), "slow", 1, 0,
          ReplicaStatus.COMPLETED, WAIT);
      LocalCluster.waitFor("the push to time out", WAIT,
          () -> admin.pushStatus("slow", 1).status() == VersionStatus.ERROR);
      String detail = admin.pushStatus("slow", 1).detail();
      assertTrue(detail.startsWith("push timed out after 10 s: ")
          && detail.contains("partition 1 has 0 of 1 replicas ready"), detail);
      assertEquals(0, admin.getStore("slow").currentVersion());
    }
  }
}
