package dev.venice.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.SpiVersion;
import dev.venice.testkit.sample.BadContract;
import dev.venice.testkit.sample.BadPlugin;
import dev.venice.testkit.sample.GoodContract;
import dev.venice.testkit.sample.GoodWithoutTableContract;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.engine.discovery.DiscoverySelectors;

/** Runs the contract on sample plugins and checks which of its tests fail, and why. */
class PluginContractSelfTest {
  /** Test method name to its failure (absent when it passed). */
  private record Outcome(Set<String> passed, Map<String, String> failed) {}

  @AfterAll
  static void releaseTheLeakedThread() {
    BadPlugin.RELEASE.countDown();
  }

  private static Outcome run(Class<?> contract, String id, String version) {
    String oldId = System.setProperty(PluginContractTest.PLUGIN_ID_PROPERTY, id);
    String oldVersion = System.setProperty(PluginContractTest.PLUGIN_VERSION_PROPERTY, version);
    Set<String> passed = new TreeSet<>();
    Map<String, String> failed = new TreeMap<>();
    try {
      Launcher launcher = LauncherFactory.create();
      launcher.execute(LauncherDiscoveryRequestBuilder.request()
          .selectors(DiscoverySelectors.selectClass(contract)).build(),
          new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier test, TestExecutionResult result) {
              if (!test.isTest() || !(test.getSource().orElse(null) instanceof MethodSource m)) {
                return;
              }
              if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                passed.add(m.getMethodName());
              } else {
                failed.put(m.getMethodName(), String.valueOf(result.getThrowable()
                    .map(Throwable::getMessage).orElse(result.getStatus().toString())));
              }
            }
          });
    } finally {
      restore(PluginContractTest.PLUGIN_ID_PROPERTY, oldId);
      restore(PluginContractTest.PLUGIN_VERSION_PROPERTY, oldVersion);
    }
    return new Outcome(passed, failed);
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }

  @Test
  void aGoodPluginPassesEveryCheck() {
    Outcome outcome = run(GoodContract.class, "good", "1.0.0");
    assertEquals(Map.of(), outcome.failed());
    assertEquals(13, outcome.passed().size(), "checks run: " + outcome.passed());
  }

  @Test
  void aBadPluginFailsEachCheckItBreaksNamingWhatIsWrong() {
    Outcome outcome = run(BadContract.class, "bad-module", "1.0.0");
    Map<String, String> failed = outcome.failed();
    assertEquals(Set.of("aBadStoreValueIsRecordedNeverThrown"), outcome.passed(),
        "failed: " + failed);
    expect(failed, "descriptorIdIsTheModulesPluginId", "plugin bad", "bad-module");
    expect(failed, "descriptorVersionIsTheModulesVersion", "1.0.0", "2.0.0");
    expect(failed, "spiRangeContainsTheCurrentSpi", "[2.0,3.0)",
        SpiVersion.CURRENT.toString());
    expect(failed, "processKindsAreTheExpectedOnes", "ROUTER");
    expect(failed, "serviceFileNamesThePlugin", "BadPlugin");
    expect(failed, "everyKeyIsDescribedAndItsDefaultParses", "limit has no description");
    expect(failed, "readmeTableListsExactlyTheDeclaredKeys", "missing [colour]",
        "not declared [other]");
    expect(failed, "readmeTableGivesEachDeclaredDefault", "limit: default `10` declared");
    expect(failed, "readmeTableSaysWhichKeysStoresMayOverride", "pause is process-only");
    expect(failed, "startAndStopLeaveNoThreadBehind", "bad-leaked");
    expect(failed, "metersAreNamedUnderTheMetricPrefix", "bad.requests");
    expect(failed, "eachMeterNameKeepsOneSetOfTagKeys", "venice.server.bad.calls");
  }

  @Test
  void aReadmeWithoutTheTableIsToldWhatTableToWrite() {
    Outcome outcome = run(GoodWithoutTableContract.class, "good", "1.0.0");
    assertEquals(Set.of("readmeTableListsExactlyTheDeclaredKeys",
        "readmeTableGivesEachDeclaredDefault", "readmeTableSaysWhichKeysStoresMayOverride"),
        outcome.failed().keySet());
    expect(outcome.failed(), "readmeTableListsExactlyTheDeclaredKeys",
        "has no configuration table", "| key | default | allowed | per store | meaning |");
  }

  private static void expect(Map<String, String> failed, String test, String... fragments) {
    String message = failed.get(test);
    assertTrue(message != null, test + " did not fail");
    for (String fragment : fragments) {
      assertTrue(message.contains(fragment), test + ": '" + fragment + "' not in: " + message);
    }
  }
}
