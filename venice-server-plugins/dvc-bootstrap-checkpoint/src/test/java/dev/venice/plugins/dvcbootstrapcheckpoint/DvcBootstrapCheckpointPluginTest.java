package dev.venice.plugins.dvcbootstrapcheckpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.config.ConfigException;
import dev.venice.spi.davinci.DaVinciHook;
import dev.venice.spi.davinci.LocalCopy;
import dev.venice.spi.davinci.ResumeDecision;
import dev.venice.spi.davinci.VersionSwap;
import dev.venice.spi.plugin.BackgroundTask;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingHostServices;
import dev.venice.testkit.TestingPluginContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin contract in a Da Vinci client (a fake {@code LocalPartitions}), and the wiring: the
 * task makes every partition durable and writes one file per store version, the hook resumes from
 * it and counts, a swap checkpoints the new version and deletes the old one's file.
 */
class DvcBootstrapCheckpointPluginTest extends PluginContractTest<DvcBootstrapCheckpointPlugin> {
  private static final String P = "venice.da.vinci.client.dvc.bootstrap.checkpoint.";
  @TempDir Path dir;
  private final FakeLocalPartitions local = new FakeLocalPartitions()
      .put("users", 3, 0, 120).put("users", 3, 1, 80).put("users", 4, 0, 7);

  @Override
  protected DvcBootstrapCheckpointPlugin newPlugin() {
    return new DvcBootstrapCheckpointPlugin();
  }

  @Override
  protected Set<ProcessKind> expectedProcessKinds() {
    return Set.of(ProcessKind.DA_VINCI_CLIENT);
  }

  @Override
  protected TestingPluginContext.Builder contextBuilder(DvcBootstrapCheckpointPlugin plugin) {
    return super.contextBuilder(plugin).config("directory", dir.toString())
        .host(new TestingHostServices().localPartitions(local));
  }

  @Override
  protected void exercise(DvcBootstrapCheckpointPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) throws Exception {
    extensions.backgroundTasks().get(0).run();
    DaVinciHook hook = extensions.daVinciHooks().get(0);
    hook.onLocalCopyFound(new LocalCopy("users", 3, 0, "users_v3", "id-users-3", 0, 500, 130));
    hook.onLocalCopyFound(new LocalCopy("users", 3, 0, "users_v3", "other", 0, 500, 130));
    hook.onVersionSwap(new VersionSwap("users", 3, 4));
  }

  @Test
  void theTaskWritesEachStoreVersionsDurableOffsetsAndAResumeIsCounted() throws Exception {
    try (TestingPluginContext context = contextBuilder(newPlugin()).config("interval", "5s")
        .build()) {
      TestingExtensions added = context.start();
      BackgroundTask task = added.backgroundTasks().get(0);
      assertEquals(Duration.ofSeconds(5), task.interval());
      task.run();
      assertEquals(3, local.madeDurable.size());
      BootstrapCheckpointManager files = new BootstrapCheckpointManager(dir, context.time());
      assertEquals(Map.of(0, 120L, 1, 80L), files.read("users", 3).orElseThrow().offsets());
      assertEquals("id-users-3", files.read("users", 3).orElseThrow().topicId());
      assertEquals(Map.of(0, 7L), files.read("users", 4).orElseThrow().offsets());
      assertEquals(2.0, context.meterRegistry().get(P + "writes").counter().count());

      DaVinciHook hook = added.daVinciHooks().get(0);
      ResumeDecision resumed = hook.onLocalCopyFound(new LocalCopy("users", 3, 1, "users_v3",
          "id-users-3", 10, 500, 90)).orElseThrow();
      assertTrue(resumed.resume(), resumed.reason());
      assertEquals(81.0, context.meterRegistry().get(P + "resumed.offsets").counter().count(),
          "offsets 10 to 90 not read again");
      assertFalse(hook.onLocalCopyFound(new LocalCopy("users", 3, 2, "users_v3", "id-users-3",
          0, 500, 90)).orElseThrow().resume());
      assertEquals(1.0, context.meterRegistry().get(P + "decisions").tag("outcome", "resumed")
          .counter().count());
      assertEquals(1.0, context.meterRegistry().get(P + "decisions")
          .tag("outcome", "started_over").counter().count());
    }
  }

  @Test
  void aSwapCheckpointsTheNewVersionAtOnceAndDeletesTheOlderFiles() throws Exception {
    try (TestingPluginContext context = contextBuilder(newPlugin()).build()) {
      TestingExtensions added = context.start();
      added.backgroundTasks().get(0).run();
      local.remove("users", 3, 0).remove("users", 3, 1).put("users", 4, 0, 9);
      added.daVinciHooks().get(0).onVersionSwap(new VersionSwap("users", 3, 4));
      BootstrapCheckpointManager files = new BootstrapCheckpointManager(dir, context.time());
      assertFalse(Files.exists(files.file("users", 3)));
      assertEquals(Map.of(0, 9L), files.read("users", 4).orElseThrow().offsets());
    }
  }

  @Test
  void aPartitionUnsubscribedMeanwhileIsLeftOut() throws Exception {
    FakeLocalPartitions racing = new FakeLocalPartitions() {
      @Override
      public synchronized long makeDurable(String store, int version, int partition) {
        if (partition == 1) {
          throw new IllegalStateException("partition 1 of users_v3 is not held any more");
        }
        return super.makeDurable(store, version, partition);
      }
    }.put("users", 3, 0, 5).put("users", 3, 1, 6);
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin())
        .config("directory", dir.toString())
        .host(new TestingHostServices().localPartitions(racing)).build()) {
      context.start().backgroundTasks().get(0).run();
      assertEquals(Map.of(0, 5L), new BootstrapCheckpointManager(dir, context.time())
          .read("users", 3).orElseThrow().offsets());
    }
  }

  @Test
  void aMissingDirectoryIsRefusedNamingTheKey() {
    Exception refused = assertThrows(Exception.class,
        () -> TestingPluginContext.builder(newPlugin()).build());
    ConfigException config = refused instanceof ConfigException c ? c
        : (ConfigException) refused.getCause();
    assertTrue(config.getMessage().contains("plugins.dvc-bootstrap-checkpoint.directory"),
        config.getMessage());
  }
}
