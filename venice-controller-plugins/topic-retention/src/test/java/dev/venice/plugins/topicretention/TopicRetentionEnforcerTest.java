package dev.venice.plugins.topicretention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.plugins.topicretention.RetentionReport.Mismatch;
import dev.venice.plugins.topicretention.RetentionReport.StaleTopic;
import dev.venice.spi.controller.AdminActionException;
import dev.venice.spi.controller.StoreVersion;
import dev.venice.spi.controller.StoreVersion.Status;
import dev.venice.spi.host.StoreInfo;
import dev.venice.testkit.ManualTimeSource;
import dev.venice.testkit.TestingAdminActions;
import dev.venice.testkit.TestingControllerHost;
import dev.venice.testkit.TestingPluginContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The enforcer on a manual clock, with a fake Kafka and the testkit's admin actions: staleness
 * only after the grace period (the retired-version window), reported once and forgotten when the
 * topic goes; mismatches fixed once in one batch per store and not again; dry run; the pace and
 * the limit per run; NOT_LEADER, NOT_FOUND and FAILED refusals.
 */
class TopicRetentionEnforcerTest {
  private static final Duration FIVE_DAYS = Duration.ofDays(5);
  private static final Duration WEEK = Duration.ofDays(7);
  private static final String POLICY = String.valueOf(FIVE_DAYS.toMillis());

  private final ManualTimeSource time = new ManualTimeSource();
  private final TestingControllerHost controller = new TestingControllerHost("c_1", time);
  private final TestingAdminActions actions = controller.adminActions();
  private final FakeKafka kafka = new FakeKafka(actions);
  private final List<Duration> pauses = new ArrayList<>();
  private TestingPluginContext context;

  @AfterEach
  void close() {
    if (context != null) {
      context.close();
    }
  }

  /** An enforcer with the default configuration plus {@code config} (key, value pairs). */
  private TopicRetentionEnforcer enforcer(String... config) throws Exception {
    TestingPluginContext.Builder builder = TestingPluginContext.builder(new TopicRetentionPlugin(
        host -> kafka)).time(time).controllerHost(controller);
    for (int i = 0; i < config.length; i += 2) {
      builder.config(config[i], config[i + 1]);
    }
    context = builder.build();
    controller.gainLeadership();
    return new TopicRetentionEnforcer(kafka, context.stores(), controller::versions, actions,
        context.storeSettings(TopicRetentionConfig::from), context::enabledForStore, time,
        d -> {
          pauses.add(d);
          time.advance(d);
        });
  }

  private void store(String name, boolean hybrid, int current, StoreVersion... versions) {
    context.stores().put(new StoreInfo(name, current, 1, 1, "NO_OP", hybrid, Map.of()));
    controller.setVersions(name, List.of(versions));
  }

  private static StoreVersion version(int number, Status status) {
    return new StoreVersion(number, status, 1, 1);
  }

  private static List<String> topics(List<StaleTopic> rows) {
    return rows.stream().map(s -> s.topic() + " " + s.reason()).toList();
  }

  private static List<String> states(List<Mismatch> rows) {
    return rows.stream().map(m -> m.topic() + " " + m.state()).toList();
  }

  @Test
  void aTopicOfNoStoreIsStaleOnlyAfterTheGracePeriodReportedOnceAndForgottenWhenItGoes()
      throws Exception {
    TopicRetentionEnforcer enforcer = enforcer();
    kafka.topic("ghost_v3", WEEK).topic("__consumer_offsets", WEEK)
        .topic("venice-admin-audit-log", WEEK);
    String firstSeen = time.now().toString();

    TopicRetentionEnforcer.Outcome first = enforcer.run();
    assertEquals(1, first.report().topicsSeen(), "only Venice names count");
    assertEquals(List.of("ghost_v3 store-unknown"), topics(first.report().pending()));
    assertTrue(first.report().stale().isEmpty());

    time.advance(Duration.ofMinutes(9));
    assertTrue(enforcer.run().report().stale().isEmpty(), "still within the 10m grace period");

    time.advance(Duration.ofMinutes(1));
    TopicRetentionEnforcer.Outcome stale = enforcer.run();
    assertEquals(List.of("ghost_v3 store-unknown"), topics(stale.report().stale()));
    assertEquals(firstSeen, stale.report().stale().get(0).since());
    assertEquals("no store ghost", stale.report().stale().get(0).detail());
    assertEquals(stale.report().stale(), stale.newlyStale());
    assertTrue(stale.report().pending().isEmpty());

    TopicRetentionEnforcer.Outcome again = enforcer.run();
    assertEquals(1, again.report().stale().size());
    assertTrue(again.newlyStale().isEmpty(), "warned about once only");
    assertTrue(actions.calls().isEmpty(), "a stale topic is never altered");
    assertEquals(WEEK.toMillis(), kafka.retentionOf("ghost_v3"), "nor deleted");

    kafka.delete("ghost_v3");
    assertTrue(enforcer.run().report().stale().isEmpty(), "gone: no longer stale");
    kafka.topic("ghost_v3", WEEK);
    TopicRetentionEnforcer.Outcome back = enforcer.run();
    assertEquals(List.of("ghost_v3 store-unknown"), topics(back.report().pending()),
        "a topic that comes back starts its grace period afresh");
  }

  @Test
  void aRetiredVersionsTopicDeletedWithinTheGracePeriodIsNeverReportedStale() throws Exception {
    TopicRetentionEnforcer enforcer = enforcer();
    store("users", false, 3, version(2, Status.ONLINE), version(3, Status.ONLINE));
    kafka.topic("users_v1", FIVE_DAYS).topic("users_v2", FIVE_DAYS).topic("users_v3", FIVE_DAYS);

    TopicRetentionEnforcer.Outcome window = enforcer.run();
    assertEquals(List.of("users_v1 version-retired"), topics(window.report().pending()));
    assertTrue(window.report().pending().get(0).detail().contains("version 1 was retired"),
        window.report().pending().get(0).detail());

    time.advance(Duration.ofMinutes(2));
    kafka.delete("users_v1"); // the controller's topic delete lands
    time.advance(Duration.ofMinutes(20));
    TopicRetentionEnforcer.Outcome after = enforcer.run();
    assertTrue(after.report().stale().isEmpty() && after.report().pending().isEmpty());
    assertTrue(after.newlyStale().isEmpty());
  }

  @Test
  void aTopicCreatedBeforeItsVersionIsPendingThenChecked() throws Exception {
    TopicRetentionEnforcer enforcer = enforcer();
    store("users", false, 1, version(1, Status.ONLINE));
    kafka.topic("users_v1", FIVE_DAYS).topic("users_v2", WEEK);

    assertEquals(List.of("users_v2 version-unknown"), topics(enforcer.run().report().pending()));
    assertTrue(actions.calls().isEmpty());

    controller.setVersions("users", List.of(version(1, Status.ONLINE),
        version(2, Status.STARTED)));
    TopicRetentionEnforcer.Outcome pushing = enforcer.run();
    assertTrue(pushing.report().pending().isEmpty(), "a push in progress owns its topic");
    assertEquals(List.of("users_v2 fixed"), states(pushing.report().mismatches()));
  }

  @Test
  void failedVersionsRealTimeTopicsOfBatchStoresAndDeadLetterTopics() throws Exception {
    TopicRetentionEnforcer enforcer = enforcer("stale-grace-period", "0s");
    store("users", false, 1, version(1, Status.ONLINE), version(2, Status.ERROR),
        version(3, Status.KILLED));
    store("clicks", true, 1, version(1, Status.ONLINE));
    kafka.topic("users_v1", FIVE_DAYS).topic("users_v2", WEEK).topic("users_v3", WEEK)
        .topic("users_rt", WEEK).topic("users_dlq", WEEK).topic("clicks_v1", FIVE_DAYS)
        .topic("clicks_rt", FIVE_DAYS).topic("clicks_dlq", Duration.ofDays(1));

    TopicRetentionEnforcer.Outcome outcome = enforcer.run();
    assertEquals(List.of("users_rt store-not-hybrid", "users_v2 version-failed",
        "users_v3 version-failed"), topics(outcome.report().stale()));
    assertTrue(outcome.report().stale().get(1).detail().contains("is ERROR"));
    assertTrue(outcome.report().mismatches().isEmpty(),
        "stale topics are not fixed; a dead-letter topic's retention is not ours: "
            + outcome.report().mismatches());
    assertEquals(8, outcome.report().topicsSeen());
  }

  @Test
  void mismatchesAreFixedInOneBatchPerStoreOnceAndNotAgain() throws Exception {
    TopicRetentionEnforcer enforcer = enforcer();
    store("users", true, 3, version(3, Status.ONLINE));
    store("a_rt", false, 2, version(2, Status.ONLINE));
    kafka.topic("users_v3", WEEK).topic("users_rt", Duration.ofDays(1))
        .topic("a_rt_v2", FIVE_DAYS);

    TopicRetentionEnforcer.Outcome first = enforcer.run();
    assertEquals(List.of("users_rt fixed", "users_v3 fixed"),
        states(first.report().mismatches()));
    Mismatch row = first.report().mismatches().get(1);
    assertEquals(WEEK.toMillis(), row.currentMs());
    assertEquals(FIVE_DAYS.toMillis(), row.policyMs());
    assertNull(row.reason());
    assertEquals(2, first.fixed());
    assertEquals(1, first.report().alters());
    assertEquals(List.of(new TestingAdminActions.Call("updateTopicConfigs", "users", 0, null,
        Map.of("users_rt", Map.of("retention.ms", POLICY), "users_v3", Map.of("retention.ms",
            POLICY)), false)), actions.calls());
    assertEquals(1, kafka.describeCalls(), "one batched describe per run");

    TopicRetentionEnforcer.Outcome second = enforcer.run();
    assertTrue(second.report().mismatches().isEmpty(), second.report().mismatches().toString());
    assertEquals(1, actions.calls().size(), "nothing changed twice");
  }

  @Test
  void aStoresOwnPolicyAndDryRunAreItsOwn() throws Exception {
    TopicRetentionEnforcer enforcer = enforcer();
    store("users", false, 1, version(1, Status.ONLINE));
    store("trial", false, 1, version(1, Status.ONLINE));
    store("off", false, 1, version(1, Status.ONLINE));
    context.putStoreSettings("users", Map.of("version-topic-retention", "2d"));
    context.putStoreSettings("trial", Map.of("dry-run", "true"));
    context.putStoreSettings("off", Map.of("enabled", "false"));
    controller.setVersions("users", List.of(version(1, Status.ONLINE)));
    kafka.topic("users_v1", FIVE_DAYS).topic("trial_v1", WEEK).topic("off_v1", WEEK)
        .topic("off_v9", WEEK);

    TopicRetentionEnforcer.Outcome first = enforcer.run();
    assertEquals(List.of("trial_v1 would-set", "users_v1 fixed"),
        states(first.report().mismatches()));
    assertTrue(first.report().pending().isEmpty(), "a store switched off is left alone");
    assertEquals(1, first.fixed());
    assertEquals(List.of("trial true", "users false"), actions.calls().stream()
        .map(c -> c.store() + " " + c.dryRun()).toList());
    assertEquals(Map.of("retention.ms", String.valueOf(Duration.ofDays(2).toMillis())),
        actions.calls().get(1).topicConfigs().get("users_v1"));
    assertEquals(List.of("trial_v1 would-set"), states(enforcer.run().report().mismatches()),
        "a dry run is asked again each run; a fix is not");
    assertEquals(WEEK.toMillis(), kafka.retentionOf("trial_v1"), "a dry run changes nothing");
    assertEquals(WEEK.toMillis(), kafka.retentionOf("off_v1"));
  }

  @Test
  void changesArePacedByTheAlterIntervalAndLimitedPerRun() throws Exception {
    TopicRetentionEnforcer enforcer = enforcer("alter-interval", "2s", "max-alters-per-run",
        "2");
    for (String s : List.of("a", "b", "c")) {
      store(s, false, 1, version(1, Status.ONLINE));
      kafka.topic(s + "_v1", WEEK);
    }
    TopicRetentionEnforcer.Outcome first = enforcer.run();
    assertEquals(List.of("a_v1 fixed", "b_v1 fixed", "c_v1 deferred"),
        states(first.report().mismatches()));
    assertTrue(first.report().mismatches().get(2).reason().contains("max-alters-per-run"));
    assertEquals(List.of(Duration.ofSeconds(2)), pauses, "one pause between two changes");
    assertEquals(2000, first.report().durationMs());

    time.advance(Duration.ofMillis(500));
    TopicRetentionEnforcer.Outcome second = enforcer.run();
    assertEquals(List.of("c_v1 fixed"), states(second.report().mismatches()));
    assertEquals(List.of(Duration.ofSeconds(2), Duration.ofMillis(1500)), pauses,
        "the pace holds across runs");
    assertEquals(3, actions.calls().size());
  }

  @Test
  void moreThanOneHundredTopicsOfAStoreAreSplitIntoBatches() throws Exception {
    TopicRetentionEnforcer enforcer = enforcer("alter-interval", "10ms");
    List<StoreVersion> versions = new ArrayList<>();
    for (int v = 1; v <= 150; v++) {
      versions.add(version(v, Status.STARTED));
      kafka.topic("big_v" + v, WEEK);
    }
    store("big", false, 0, versions.toArray(StoreVersion[]::new));
    TopicRetentionEnforcer.Outcome outcome = enforcer.run();
    assertEquals(150, outcome.fixed());
    assertEquals(List.of(100, 50), actions.calls().stream().map(c -> c.topicConfigs().size())
        .toList());
  }

  @Test
  void aLostLeadershipStopsTheRunQuietly() throws Exception {
    TopicRetentionEnforcer enforcer = enforcer();
    store("a", false, 1, version(1, Status.ONLINE));
    store("b", false, 1, version(1, Status.ONLINE));
    kafka.topic("a_v1", WEEK).topic("b_v1", WEEK);
    controller.loseLeadership();

    TopicRetentionEnforcer.Outcome outcome = enforcer.run();
    assertEquals(List.of("a_v1 deferred", "b_v1 deferred"),
        states(outcome.report().mismatches()));
    assertTrue(outcome.report().stopped().contains("no longer the leader"),
        outcome.report().stopped());
    assertEquals(1, outcome.report().alters(), "nothing tried after the refusal");
    assertEquals(0, outcome.fixed());
  }

  @Test
  void failedFixesAreReportedAndRetriedNextRunAndGoneTopicsAreNoError() throws Exception {
    TopicRetentionEnforcer enforcer = enforcer();
    store("a", false, 1, version(1, Status.ONLINE));
    kafka.topic("a_v1", WEEK);

    actions.refuseWith(AdminActionException.Reason.FAILED);
    Mismatch failed = enforcer.run().report().mismatches().get(0);
    assertEquals("failed", failed.state());
    assertTrue(failed.reason().contains("store a") && failed.reason().contains("FAILED"),
        failed.reason());

    actions.refuseWith(AdminActionException.Reason.NOT_FOUND);
    Mismatch gone = enforcer.run().report().mismatches().get(0);
    assertEquals("gone", gone.state());

    actions.refuseWith(null);
    assertEquals(List.of("a_v1 fixed"), states(enforcer.run().report().mismatches()));
    assertEquals(FIVE_DAYS.toMillis(), kafka.retentionOf("a_v1"));
  }

  @Test
  void kafkaAwayFailsTheRunAndForgetStartsAfresh() throws Exception {
    TopicRetentionEnforcer enforcer = enforcer("stale-grace-period", "1m");
    kafka.topic("ghost_v1", WEEK);
    enforcer.run();
    kafka.failing(true);
    assertThrows(TimeoutException.class, enforcer::run);
    kafka.failing(false);
    time.advance(Duration.ofMinutes(2));
    enforcer.forget();
    TopicRetentionEnforcer.Outcome outcome = enforcer.run();
    assertTrue(outcome.report().stale().isEmpty(), "forgotten sightings start a new grace period");
    assertFalse(outcome.report().pending().isEmpty());
  }
}
