package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.it.RequestRecorderPlugin.Seen;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import com.google.protobuf.ByteString;
import dev.venice.runtime.protocol.GetRequest;
import dev.venice.runtime.protocol.VeniceReadGrpc;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.RequestKind;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.server.RequestEnd;
import dev.venice.testkit.Await;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request hooks (SPI 1.3) end to end: a plugin on the router's and the server's class path sees
 * each read call once, with its method, kind, store, version, partition, key count and headers;
 * the headers it asks the router to add reach the server; the end reports the caller's status; a
 * store the plugin is switched off for is not seen.
 */
class RequestHookTest {
  private static final String STORE = "hooked";
  private static final String OFF = "unhooked";

  @TempDir Path dir;

  private List<Seen> seenFor(String store, int count) {
    Await.until(() -> RequestRecorderPlugin.SEEN.stream()
        .filter(s -> s.request().store().equals(store)).count() >= count,
        () -> count + " calls of " + store + " ended: " + RequestRecorderPlugin.SEEN);
    return RequestRecorderPlugin.SEEN.stream().filter(s -> s.request().store().equals(store))
        .toList();
  }

  @Test
  void routerAndServerSeeEachCallOnceAndTheRoutersHeadersReachTheServer() throws Exception {
    RequestRecorderPlugin.SEEN.clear();
    try (LocalCluster cluster = LocalCluster.builder().servers(1).routers(1)
        .controllerConfig("push.monitor.interval", "50ms")
        .serverConfig("plugins.test-request-recorder.enabled", "true")
        .routerConfig("plugins.test-request-recorder.enabled", "true").build()) {
      ControllerClient admin = new ControllerClient(cluster.controllerUrl());
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        lines.add("{\"key\": \"k" + i + "\", \"value\": {\"name\": \"n\", \"age\": " + i + "}}");
      }
      for (String store : List.of(STORE, OFF)) {
        admin.createStore(store, Schemas.KEY, Schemas.USER_V1, 2, 1);
        PushJob.create(cluster.controllerUrl(), store,
            Files.write(dir.resolve(store + ".jsonl"), lines)).run();
        cluster.awaitRoutable(store, Duration.ofSeconds(60));
      }
      admin.updateStore(OFF, Map.of("pluginSettings",
          Map.of("plugins.test-request-recorder.enabled", "false")));

      try (StoreClient<String, GenericRecord> thin =
          VeniceClients.builder(cluster.routerUrl(), STORE).thin()) {
        assertEquals(3, thin.get("k3", RequestContext.of(STORE).withHeader("x-test", "get"))
            .join().get("age"));
        List<Seen> get = seenFor(STORE, 2);
        Seen atRouter = only(get, "router");
        Seen atServer = only(get, "server");
        assertEquals(RequestKind.SINGLE_GET, atRouter.request().kind());
        assertEquals("venice.read.v1.VeniceRead/Get", atRouter.request().method());
        assertEquals(1, atRouter.request().keyCount());
        assertEquals("get", atRouter.request().headers().get("x-test"), "the client's header");
        assertEquals(1, atServer.request().version(), "the router names the version it read");
        assertTrue(atServer.request().partition() >= 0, "and the partition");
        assertEquals("router", atServer.request().headers().get("x-via"),
            "the router's outgoing header reached the server");
        assertEquals("get", atServer.request().headers().get("x-test"), "beside the client's");
        assertTrue(atRouter.end().ok() && atServer.end().ok());

        RequestRecorderPlugin.SEEN.clear();
        assertEquals(10, thin.batchGet(Set.of("k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7",
            "k8", "k9")).join().size());
        List<Seen> batch = seenFor(STORE, 3); // the router's call and one per partition
        Seen batchAtRouter = only(batch, "router");
        assertEquals(RequestKind.BATCH_GET, batchAtRouter.request().kind());
        assertEquals(10, batchAtRouter.request().keyCount());
        assertEquals(10, batch.stream().filter(s -> s.process().equals("server"))
            .mapToInt(s -> s.request().keyCount()).sum(), "the servers saw every key once");
        batch.stream().filter(s -> s.process().equals("server")).forEach(s -> assertEquals(
            "router", s.request().headers().get("x-via"), "router headers on " + s));
      }

      ManagedChannel channel = NettyChannelBuilder
          .forAddress("127.0.0.1", cluster.routers().get(0).grpcPort()).usePlaintext().build();
      try {
        StatusRuntimeException notFound = assertThrows(StatusRuntimeException.class, () ->
            VeniceReadGrpc.newBlockingStub(channel).get(GetRequest.newBuilder().setStore("nope")
                .setPartition(-1).setKey(ByteString.copyFromUtf8("k")).build()));
        assertEquals(Status.Code.NOT_FOUND, notFound.getStatus().getCode());
      } finally {
        channel.shutdownNow();
      }
      RequestEnd end = seenFor("nope", 1).get(0).end();
      assertEquals("NOT_FOUND", end.status(), "the end says what the caller got");
      assertEquals(Status.Code.NOT_FOUND.value(), end.statusCode());
      assertTrue(end.description().contains("nope"), end.description());

      try (StoreClient<String, GenericRecord> off =
          VeniceClients.builder(cluster.routerUrl(), OFF).thin()) {
        assertEquals(4, off.get("k4").join().get("age"));
        off.get("k5").join();
      }
      assertTrue(RequestRecorderPlugin.SEEN.stream().noneMatch(s -> s.request().store()
          .equals(OFF)), "the plugin is off for " + OFF + ": " + RequestRecorderPlugin.SEEN);
    }
  }

  private static Seen only(List<Seen> seen, String process) {
    List<Seen> matching = seen.stream().filter(s -> s.process().equals(process)).toList();
    assertEquals(1, matching.size(), process + " saw " + matching);
    return matching.get(0);
  }
}
