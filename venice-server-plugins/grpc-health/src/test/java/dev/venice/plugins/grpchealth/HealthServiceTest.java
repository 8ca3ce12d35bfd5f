package dev.venice.plugins.grpchealth;

import static dev.venice.plugins.grpchealth.proto.HealthCheckResponse.ServingStatus.NOT_SERVING;
import static dev.venice.plugins.grpchealth.proto.HealthCheckResponse.ServingStatus.SERVICE_UNKNOWN;
import static dev.venice.plugins.grpchealth.proto.HealthCheckResponse.ServingStatus.SERVING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.plugins.grpchealth.proto.HealthCheckResponse.ServingStatus;
import dev.venice.spi.host.ServingStateMachine;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.ServingState;
import dev.venice.spi.rpc.RpcStatus;
import dev.venice.testkit.TestingPluginContext;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The health service through the plugin as a host starts it, the serving state driven through the
 * testing host's {@link ServingStateMachine}, every answer decoded with the protobuf classes:
 * Check and Watch of liveness ({@code ""}), readiness ({@code venice.readiness}) and an unknown
 * service in every state, watches sending only changes and ending cleanly at STOPPING, cancel,
 * bad requests, the meters, and watches started while the state moves on another thread.
 */
class HealthServiceTest {
  private static final String READINESS = "venice.readiness";
  private TestingPluginContext context;
  private ServingStateMachine machine;
  private HealthCalls health;

  @BeforeEach
  void start() throws Exception {
    startWith(TestingPluginContext.builder(new GrpcHealthPlugin()));
  }

  private void startWith(TestingPluginContext.Builder builder) throws Exception {
    if (context != null) {
      context.close();
    }
    context = builder.build();
    machine = context.host().servingLifecycle();
    health = new HealthCalls(context.start().rpcServices().get(0));
  }

  @AfterEach
  void stop() {
    context.close();
  }

  private void moveTo(ServingState state) {
    machine.moveTo(state, state == ServingState.READY ? "" : "test: " + state);
  }

  @Test
  void checkAnswersEachStateForLivenessAndReadiness() {
    Map<ServingState, List<ServingStatus>> expected = new EnumMap<>(ServingState.class);
    expected.put(ServingState.STARTING, List.of(SERVING, NOT_SERVING));
    expected.put(ServingState.READY, List.of(SERVING, SERVING));
    expected.put(ServingState.DRAINING, List.of(SERVING, NOT_SERVING));
    expected.put(ServingState.STOPPING, List.of(NOT_SERVING, NOT_SERVING));
    for (ServingState state : ServingState.values()) {
      moveTo(state);
      List<ServingStatus> answered = new ArrayList<>();
      for (String service : List.of("", READINESS)) {
        RecordingCall call = health.check(service);
        assertTrue(call.completed(), state + " '" + service + "': completed");
        assertEquals(1, call.statuses().size(), state + " '" + service + "': one response");
        answered.add(call.statuses().get(0));
      }
      assertEquals(expected.get(state), answered, state + ": liveness, readiness");
    }
  }

  @Test
  void checkOfAnUnknownServiceFailsNotFoundInEveryState() {
    for (ServingState state : ServingState.values()) {
      moveTo(state);
      for (String unknown : List.of("venice.read.v1.VeniceRead", " ", "VENICE.READINESS")) {
        RecordingCall call = health.check(unknown);
        assertEquals(RpcStatus.NOT_FOUND, call.failure(), state + " '" + unknown + "'");
        assertTrue(call.description().contains("'" + unknown + "'"), call.description());
        assertTrue(call.statuses().isEmpty());
      }
    }
  }

  @Test
  void watchSendsEachChangeOnceThenEndsCleanlyAtStopping() {
    RecordingCall liveness = health.watch("");
    RecordingCall readiness = health.watch(READINESS);
    assertEquals(List.of(SERVING), liveness.statuses(), "sent at once in STARTING");
    assertEquals(List.of(NOT_SERVING), readiness.statuses(), "sent at once in STARTING");

    machine.moveTo(ServingState.STARTING, "replicas bootstrapping: 1 of 4 caught up");
    moveTo(ServingState.READY);
    assertEquals(List.of(SERVING), liveness.statuses(), "no change, nothing sent");
    assertEquals(List.of(NOT_SERVING, SERVING), readiness.statuses());

    moveTo(ServingState.DRAINING);
    assertEquals(List.of(SERVING), liveness.statuses());
    assertEquals(List.of(NOT_SERVING, SERVING, NOT_SERVING), readiness.statuses());
    assertFalse(liveness.isDone() || readiness.isDone(), "open while draining");

    moveTo(ServingState.STOPPING);
    assertEquals(List.of(SERVING, NOT_SERVING), liveness.statuses());
    assertEquals(List.of(NOT_SERVING, SERVING, NOT_SERVING), readiness.statuses(),
        "NOT_SERVING already sent: not repeated");
    for (RecordingCall call : List.of(liveness, readiness)) {
      assertTrue(call.completed(), "ended with OK at STOPPING");
      assertNull(call.failure());
      assertEquals(List.of(), call.misuse());
    }
    assertEquals(0.0, activeWatches("liveness") + activeWatches("readiness"));
  }

  @Test
  void watchesStartedInEachStateBeginWithThatStatesStatus() {
    List<RecordingCall> liveness = new ArrayList<>();
    List<RecordingCall> readiness = new ArrayList<>();
    for (ServingState state : ServingState.values()) {
      moveTo(state);
      liveness.add(health.watch(""));
      readiness.add(health.watch(READINESS));
    }
    assertEquals(List.of(SERVING, NOT_SERVING), liveness.get(0).statuses());
    assertEquals(List.of(SERVING, NOT_SERVING), liveness.get(1).statuses());
    assertEquals(List.of(SERVING, NOT_SERVING), liveness.get(2).statuses());
    assertEquals(List.of(NOT_SERVING, SERVING, NOT_SERVING), readiness.get(0).statuses());
    assertEquals(List.of(SERVING, NOT_SERVING), readiness.get(1).statuses());
    assertEquals(List.of(NOT_SERVING), readiness.get(2).statuses());
    RecordingCall lateLiveness = liveness.get(3);
    RecordingCall lateReadiness = readiness.get(3);
    assertEquals(List.of(NOT_SERVING), lateLiveness.statuses(), "started in STOPPING");
    assertEquals(List.of(NOT_SERVING), lateReadiness.statuses(), "started in STOPPING");
    for (RecordingCall call : List.of(lateLiveness, lateReadiness)) {
      assertTrue(call.completed(), "a watch started in STOPPING completes at once");
    }
  }

  @Test
  void watchOfAnUnknownServiceSaysServiceUnknownAndStaysOpenUntilStopping() {
    RecordingCall unknown = health.watch("venice.read.v1.VeniceRead");
    assertEquals(List.of(SERVICE_UNKNOWN), unknown.statuses());
    assertEquals(1.0, activeWatches("unknown"));
    moveTo(ServingState.READY);
    moveTo(ServingState.DRAINING);
    assertEquals(List.of(SERVICE_UNKNOWN), unknown.statuses());
    assertFalse(unknown.isDone(), "the stream stays open (the protocol's Watch)");
    moveTo(ServingState.STOPPING);
    assertEquals(List.of(SERVICE_UNKNOWN), unknown.statuses());
    assertTrue(unknown.completed(), "ended cleanly when the process stops");
    assertEquals(0.0, activeWatches("unknown"));
  }

  @Test
  void aCancelledWatchIsReleasedAndHearsNothingMore() {
    RecordingCall kept = health.watch(READINESS);
    RecordingCall cancelled = health.watch(READINESS);
    assertEquals(2.0, activeWatches("readiness"));
    cancelled.cancel();
    assertEquals(1.0, activeWatches("readiness"), "released on cancel");
    moveTo(ServingState.READY);
    moveTo(ServingState.STOPPING);
    assertEquals(List.of(NOT_SERVING), cancelled.statuses());
    assertEquals(List.of(), cancelled.misuse(), "nothing sent to a cancelled call");
    assertEquals(List.of(NOT_SERVING, SERVING, NOT_SERVING), kept.statuses());
    assertEquals(0.0, activeWatches("readiness"));
  }

  @Test
  void theReadinessServiceNameIsConfigurable() throws Exception {
    startWith(TestingPluginContext.builder(new GrpcHealthPlugin())
        .config("readiness-service", "ready"));
    moveTo(ServingState.READY);
    assertEquals(List.of(SERVING), health.check("ready").statuses());
    assertEquals(RpcStatus.NOT_FOUND, health.check(READINESS).failure());
    assertEquals(List.of(SERVICE_UNKNOWN), health.watch(READINESS).statuses());
  }

  @Test
  void aRequestThatIsNotAHealthCheckRequestFailsInvalidArgument() {
    byte[] truncated = {0x0a, 0x05, 'a'}; // field 1, length 5, one byte
    for (String method : List.of("Check", "Watch")) {
      RecordingCall call = health.call(method, truncated);
      assertEquals(RpcStatus.INVALID_ARGUMENT, call.failure(), method);
    }
    assertEquals(2.0, context.meterRegistry().get(context.metricPrefix() + "requests.invalid")
        .counter().count());
  }

  @Test
  void metersFollowTheStateAndCountChecks() {
    assertEquals(1.0, serving("liveness"));
    assertEquals(0.0, serving("readiness"));
    moveTo(ServingState.READY);
    assertEquals(1.0, serving("readiness"));
    health.check(READINESS);
    health.check(READINESS);
    health.check("");
    health.check("nope");
    moveTo(ServingState.STOPPING);
    assertEquals(0.0, serving("liveness"));
    assertEquals(0.0, serving("readiness"));
    health.check("");
    assertEquals(2.0, checks("readiness", "SERVING"));
    assertEquals(1.0, checks("liveness", "SERVING"));
    assertEquals(1.0, checks("liveness", "NOT_SERVING"));
    assertEquals(1.0, checks("unknown", "NOT_FOUND"));
  }

  @Test
  void theSameOnRoutersAndControllers() throws Exception {
    for (ProcessKind kind : List.of(ProcessKind.ROUTER, ProcessKind.CONTROLLER)) {
      startWith(TestingPluginContext.builder(new GrpcHealthPlugin()).processKind(kind));
      RecordingCall watch = health.watch(READINESS);
      moveTo(ServingState.READY);
      assertEquals(List.of(SERVING), health.check(READINESS).statuses(), kind.id());
      moveTo(ServingState.STOPPING);
      assertEquals(List.of(NOT_SERVING, SERVING, NOT_SERVING), watch.statuses(), kind.id());
      assertTrue(watch.completed(), kind.id());
    }
  }

  @Test
  void stoppingThePluginEndsOpenWatches() throws Exception {
    RecordingCall watch = health.watch("");
    context.stopPlugin();
    assertEquals(List.of(SERVING, NOT_SERVING), watch.statuses());
    assertTrue(watch.completed());
  }

  /**
   * Watches start on four threads while the state moves through every state on this one: each
   * stream is in state order, never repeats a status, ends with NOT_SERVING and completes.
   */
  @Test
  void watchesStartedWhileTheStateMovesStayInOrder() throws Exception {
    int perThread = 200;
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<List<RecordingCall>>> started = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        String service = t % 2 == 0 ? "" : READINESS;
        started.add(threads.submit(() -> {
          go.await();
          List<RecordingCall> calls = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            calls.add(health.watch(service));
          }
          return calls;
        }));
      }
      go.countDown();
      for (ServingState state : ServingState.values()) {
        moveTo(state);
      }
      for (int t = 0; t < started.size(); t++) {
        List<ServingStatus> allowed = t % 2 == 0 ? List.of(SERVING, NOT_SERVING)
            : List.of(NOT_SERVING, SERVING, NOT_SERVING);
        for (RecordingCall call : started.get(t).get(30, TimeUnit.SECONDS)) {
          List<ServingStatus> got = call.statuses();
          assertTrue(isTailOf(got, allowed), () -> "out of order or repeated: " + got);
          assertTrue(call.completed(), () -> "not ended: " + got);
          assertEquals(List.of(), call.misuse());
        }
      }
    } finally {
      threads.shutdownNow();
    }
    assertEquals(0.0, activeWatches("liveness") + activeWatches("readiness"));
  }

  /** Whether {@code got} is a non-empty ending of {@code sequence}. */
  private static boolean isTailOf(List<ServingStatus> got, List<ServingStatus> sequence) {
    return !got.isEmpty() && got.size() <= sequence.size()
        && got.equals(sequence.subList(sequence.size() - got.size(), sequence.size()));
  }

  private double serving(String probe) {
    return context.meterRegistry().get(context.metricPrefix() + "serving").tag("probe", probe)
        .gauge().value();
  }

  private double activeWatches(String probe) {
    return context.meterRegistry().get(context.metricPrefix() + "watches.active")
        .tag("probe", probe).gauge().value();
  }

  private double checks(String probe, String answer) {
    return context.meterRegistry().get(context.metricPrefix() + "checks").tag("probe", probe)
        .tag("answer", answer).counter().count();
  }
}
