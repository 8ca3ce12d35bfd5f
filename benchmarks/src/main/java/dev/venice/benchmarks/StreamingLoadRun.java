package dev.venice.benchmarks;

import static dev.venice.benchmarks.LoadReport.f;

import com.google.protobuf.ByteString;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.data.AvroSerde;
import dev.venice.runtime.common.data.Partitioner;
import dev.venice.runtime.protocol.BatchGetRequest;
import dev.venice.runtime.protocol.BatchGetResponse;
import dev.venice.runtime.protocol.KeyRequest;
import dev.venice.runtime.protocol.StreamHeader;
import dev.venice.runtime.protocol.StreamingKeyRequest;
import dev.venice.runtime.protocol.ValueResponse;
import dev.venice.runtime.protocol.VeniceReadGrpc;
import dev.venice.spi.client.StoreClient;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Time to the first value and to the last of one large batch get (issue 17, item 4): the read
 * protocol's three ways to read many keys — unary {@code BatchGet}, server-streaming {@code
 * StreamingBatchGet} and bidirectional {@code BidiStreamingBatchGet} — driven by the same raw gRPC
 * code (keys grouped by partition, one call per partition, all partitions at once, keys
 * serialized before the clock starts), and the fast client's {@code batchGet} and {@code
 * streamingBatchGet} (bidi, values decoded) as an application sees them. One request at a time,
 * modes interleaved in rounds with a rotating start, after a warm-up of every mode; the report
 * gives per mode the median and range over rounds.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.venice.benchmarks.StreamingLoadRun \
 *   --keys 5000 --rounds 30 --report benchmarks/results/load-streaming-$(date +%F).md
 * </pre>
 */
@Command(name = "streaming-load", mixinStandardHelpOptions = true,
    description = "Time to first and last value of one large batch get, per read method.")
public final class StreamingLoadRun implements Callable<Integer> {
  private static final String STORE = "stream-bench";
  private static final Schema KEY = Schema.create(Schema.Type.STRING);
  private static final int KEYS_PER_MESSAGE = 32; // as the fast client sends them

  @Option(names = "--keys", defaultValue = "5000", description = "Keys pushed and read per call.")
  int keys;
  @Option(names = "--payload-bytes", defaultValue = "1000", description = "Value payload size.")
  int payloadBytes;
  @Option(names = "--partitions", defaultValue = "4", description = "Store partitions.")
  int partitions;
  @Option(names = "--warm-up", defaultValue = "30", description = "Warm-up rounds (every mode).")
  int warmUp;
  @Option(names = "--rounds", defaultValue = "30", description = "Measured rounds (every mode).")
  int rounds;
  @Option(names = "--report", required = true, description = "Markdown report to write.")
  Path report;

  /** Runs it. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new StreamingLoadRun()).execute(args));
  }

  /** One call's times from its start, in nanoseconds, and the values it received. */
  record Timing(long firstNanos, long lastNanos, int values) {}

  interface Mode {
    Timing run() throws Exception;
  }

  private String payload(int i) {
    String unit = "v" + i + "-";
    return unit.repeat(payloadBytes / unit.length() + 1).substring(0, payloadBytes);
  }

  @Override
  public Integer call() throws Exception {
    log(f("starting a local cluster: 1 server, %d partitions, %,d keys of %,d-byte payloads",
        partitions, keys, payloadBytes));
    try (LoadCluster load = LoadCluster.start(1, STORE, partitions, 1, keys, this::payload);
        StoreClient<String, GenericRecord> fast =
            VeniceClients.builder(load.routerUrl(), STORE).fast()) {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1",
          load.servers().get(0).grpcPort()).usePlaintext().build();
      try {
        Map<Integer, List<KeyRequest>> byPartition = new LinkedHashMap<>();
        Set<String> keySet = new HashSet<>();
        for (int i = 0; i < keys; i++) {
          byte[] key = AvroSerde.serialize(KEY, "k" + i);
          int partition = Partitioner.partition(key, partitions);
          List<KeyRequest> group = byPartition.computeIfAbsent(partition, p -> new ArrayList<>());
          group.add(KeyRequest.newBuilder().setKeyIndex(group.size()).setPartition(partition)
              .setKey(ByteString.copyFrom(key)).build());
          keySet.add("k" + i);
        }
        VeniceReadGrpc.VeniceReadStub async = VeniceReadGrpc.newStub(channel);
        Map<String, Mode> modes = new LinkedHashMap<>();
        modes.put("unary BatchGet", () -> unary(async, byPartition));
        modes.put("server-streaming StreamingBatchGet", () -> serverStreaming(async, byPartition));
        modes.put("bidi BidiStreamingBatchGet", () -> bidi(async, byPartition));
        modes.put("fast client batchGet", () -> fastBatch(fast, keySet));
        modes.put("fast client streamingBatchGet (bidi)", () -> fastStreaming(fast, keySet));
        return measure(load, modes);
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private int measure(LoadCluster load, Map<String, Mode> modes) throws Exception {
    List<String> names = new ArrayList<>(modes.keySet());
    log(f("warm-up: %d rounds of %d modes", warmUp, names.size()));
    for (int r = 0; r < warmUp; r++) {
      for (String name : names) {
        check(name, modes.get(name).run());
      }
    }
    Map<String, List<Double>> first = new LinkedHashMap<>();
    Map<String, List<Double>> last = new LinkedHashMap<>();
    names.forEach(n -> {
      first.put(n, new ArrayList<>());
      last.put(n, new ArrayList<>());
    });
    long[] gcBefore = LoadReport.gc();
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < names.size(); i++) {
        String name = names.get((r + i) % names.size()); // rotating start
        Timing t = check(name, modes.get(name).run());
        first.get(name).add(t.firstNanos / 1e6);
        last.get(name).add(t.lastNanos / 1e6);
      }
    }
    long[] gcAfter = LoadReport.gc();
    try (PrintWriter out = LoadReport.open(report)) {
      out.println("# Streaming batch get: time to the first and the last value");
      out.println();
      out.println(f("One batch get of %,d keys (%,d-byte payloads, %d partitions, one storage"
          + " server, replication 1) on a local cluster in one JVM, one request at a time. Times"
          + " from the call's start, in ms: median [min–max] over %d rounds, after %d warm-up"
          + " rounds; the modes interleave with a rotating start.", keys, payloadBytes,
          partitions, rounds, warmUp));
      out.println();
      LoadReport.tableHeader(out, "mode", "first value (ms)", "last value (ms)",
          "first / last (median)");
      for (String name : names) {
        LoadReport.Spread f1 = LoadReport.Spread.of(first.get(name));
        LoadReport.Spread l1 = LoadReport.Spread.of(last.get(name));
        LoadReport.tableRow(out, name, f1.format("%.2f"), l1.format("%.2f"),
            f("%.2f", f1.median() / l1.median()));
      }
      out.println();
      out.println("- The raw modes (first three rows) send each partition's keys to the server"
          + " in one call per partition, all partitions at once, from pre-serialized keys: unary"
          + " answers each partition in one message, server streaming one message per key after"
          + " one request, bidi one message per key while the keys are still arriving ("
          + KEYS_PER_MESSAGE + " keys per request message, sent while the call is ready).");
      out.println("- The fast-client rows include key serialization, routing and value decoding"
          + " (Avro); `streamingBatchGet` uses `BidiStreamingBatchGet` (the first value is the"
          + " first callback, the last the future's completion).");
      out.println(f("- GC during the measured rounds: %d collections, %d ms.",
          gcAfter[0] - gcBefore[0], gcAfter[1] - gcBefore[1]));
      out.println();
      out.println("Machine: " + LoadReport.machine());
      out.println();
      out.println("Code: " + LoadReport.codeVersion());
      out.println();
      out.println("Command:");
      out.println();
      out.println("```");
      out.println(LoadReport.command());
      out.println("```");
    }
    log("wrote " + report);
    return 0;
  }

  private Timing check(String mode, Timing t) {
    if (t.values != keys) {
      throw new IllegalStateException(mode + ": " + t.values + " answers for " + keys + " keys");
    }
    return t;
  }

  /** Collects first/last times and counts across a call's partitions. */
  private static final class Clock {
    final long start = System.nanoTime();
    final AtomicLong first = new AtomicLong(-1);
    final AtomicInteger values = new AtomicInteger();

    void value(int count) {
      if (count > 0) {
        first.compareAndSet(-1, System.nanoTime() - start);
        values.addAndGet(count);
      }
    }

    /**
     * An observer of one call that counts {@code valuesIn} each message's values on this clock
     * and completes a future (added to {@code parts}) when the call ends.
     */
    <T> StreamObserver<T> counting(List<CompletableFuture<Void>> parts,
        ToIntFunction<T> valuesIn) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      parts.add(done);
      return new StreamObserver<>() {
        @Override
        public void onNext(T message) {
          value(valuesIn.applyAsInt(message));
        }

        @Override
        public void onError(Throwable t) {
          done.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
          done.complete(null);
        }
      };
    }

    Timing end(CompletableFuture<?>[] parts) throws Exception {
      CompletableFuture.allOf(parts).get(60, TimeUnit.SECONDS);
      return new Timing(first.get(), System.nanoTime() - start, values.get());
    }
  }

  private static Timing unary(VeniceReadGrpc.VeniceReadStub stub,
      Map<Integer, List<KeyRequest>> byPartition) throws Exception {
    Clock clock = new Clock();
    List<CompletableFuture<Void>> parts = new ArrayList<>();
    byPartition.forEach((partition, keys) -> stub.batchGet(BatchGetRequest.newBuilder()
        .setStore(STORE).addAllKeys(keys).build(),
        clock.counting(parts, BatchGetResponse::getRecordsCount)));
    return clock.end(parts.toArray(CompletableFuture[]::new));
  }

  private static Timing serverStreaming(VeniceReadGrpc.VeniceReadStub stub,
      Map<Integer, List<KeyRequest>> byPartition) throws Exception {
    Clock clock = new Clock();
    List<CompletableFuture<Void>> parts = new ArrayList<>();
    byPartition.forEach((partition, keys) -> stub.streamingBatchGet(BatchGetRequest.newBuilder()
        .setStore(STORE).addAllKeys(keys).build(), clock.counting(parts, value -> 1)));
    return clock.end(parts.toArray(CompletableFuture[]::new));
  }

  private static Timing bidi(VeniceReadGrpc.VeniceReadStub stub,
      Map<Integer, List<KeyRequest>> byPartition) throws Exception {
    Clock clock = new Clock();
    List<CompletableFuture<Void>> parts = new ArrayList<>();
    byPartition.forEach((partition, keys) -> {
      CompletableFuture<Void> done = new CompletableFuture<>();
      parts.add(done);
      int[] next = {0};
      Object lock = new Object();
      ClientCallStreamObserver<StreamingKeyRequest>[] call = new ClientCallStreamObserver[1];
      Runnable send = () -> {
        synchronized (lock) {
          ClientCallStreamObserver<StreamingKeyRequest> c = call[0];
          while (c != null && next[0] < keys.size() && c.isReady()) {
            StreamingKeyRequest.Builder message = StreamingKeyRequest.newBuilder();
            if (next[0] == 0) {
              message.setHeader(StreamHeader.newBuilder().setStore(STORE));
            }
            int end = Math.min(next[0] + KEYS_PER_MESSAGE, keys.size());
            message.addAllKeys(keys.subList(next[0], end));
            c.onNext(message.build());
            next[0] = end;
            if (end == keys.size()) {
              c.onCompleted();
            }
          }
        }
      };
      stub.bidiStreamingBatchGet(new ClientResponseObserver<StreamingKeyRequest, ValueResponse>() {
        @Override
        public void beforeStart(ClientCallStreamObserver<StreamingKeyRequest> started) {
          call[0] = started;
          started.setOnReadyHandler(send);
        }

        @Override
        public void onNext(ValueResponse value) {
          clock.value(1);
        }

        @Override
        public void onError(Throwable t) {
          done.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
          done.complete(null);
        }
      });
      send.run();
    });
    return clock.end(parts.toArray(CompletableFuture[]::new));
  }

  private static Timing fastBatch(StoreClient<String, GenericRecord> client, Set<String> keys)
      throws Exception {
    long start = System.nanoTime();
    Map<String, GenericRecord> values = client.batchGet(keys).get(60, TimeUnit.SECONDS);
    long elapsed = System.nanoTime() - start;
    return new Timing(elapsed, elapsed, values.size());
  }

  private static Timing fastStreaming(StoreClient<String, GenericRecord> client, Set<String> keys)
      throws Exception {
    Clock clock = new Clock();
    CompletableFuture<Void> done = client.streamingBatchGet(keys, (k, v) -> clock.value(1));
    return clock.end(new CompletableFuture<?>[] {done});
  }

  private static void log(String line) {
    System.out.println(line);
  }
}
