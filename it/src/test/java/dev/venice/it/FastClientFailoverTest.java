package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import dev.venice.runtime.server.VeniceServer;
import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.StoreClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fast client keeps serving while one of three servers is down, and uses it again after. */
class FastClientFailoverTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir Path files;

  @Test
  void keepsServingWithAServerDownAndPicksItUpAgain() throws Exception {
    try (LocalCluster cluster = LocalCluster.builder().servers(3).routers(1)
        .controllerConfig("push.monitor.interval", "50ms").build()) {
      ControllerClient admin = new ControllerClient(cluster.controllerUrl());
      admin.createStore("spread", Schemas.KEY, Schemas.USER_V1, 3, 2);
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        lines.add("{\"key\": \"k" + i + "\", \"value\": {\"name\": \"n\", \"age\": " + i + "}}");
      }
      PushJob.create(cluster.controllerUrl(), "spread",
          Files.write(files.resolve("spread.jsonl"), lines)).run();
      cluster.awaitRoutable("spread", Duration.ofSeconds(60));

      Set<String> servedBy = ConcurrentHashMap.newKeySet();
      ReplicaDispatchDecorator observer = new ReplicaDispatchDecorator() {
        @Override
        public String name() {
          return "observer";
        }

        @Override
        public ReplicaDispatcher decorate(ReplicaDispatcher next, String store) {
          return request -> next.dispatch(request).whenComplete((response, error) -> {
            if (response != null) {
              servedBy.add(response.servedBy().instanceId());
            }
          });
        }
      };
      try (StoreClient<String, GenericRecord> client = VeniceClients
          .builder(cluster.routerUrl(), "spread").metadataRefresh(Duration.ofMillis(200))
          .decorate(observer).fast()) {
        readAll(client);
        assertEquals(3, servedBy.size(), "round robin reaches every server: " + servedBy);

        VeniceServer down = cluster.servers().get(1);
        cluster.stopServer(down);
        for (int round = 0; round < 3; round++) {
          readAll(client);
        }
        servedBy.clear();
        readAll(client);
        assertFalse(servedBy.contains(down.instanceId()), "stopped server still served");

        VeniceServer back = cluster.restartServer(down);
        LocalCluster.waitFor("the restarted server serving reads again", WAIT, () -> {
          servedBy.clear();
          readAll(client);
          return servedBy.contains(back.instanceId());
        });
      }
    }
  }

  private static void readAll(StoreClient<String, GenericRecord> client) {
    for (int i = 0; i < 60; i++) {
      assertEquals(i, client.get("k" + i).join().get("age"), "k" + i);
    }
  }

}
