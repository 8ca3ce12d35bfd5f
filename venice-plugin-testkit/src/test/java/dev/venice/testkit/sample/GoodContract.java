package dev.venice.testkit.sample;

import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.server.ReadRequest;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/** The contract on {@link GoodPlugin}; run by PluginContractSelfTest, not by surefire. */
public class GoodContract extends PluginContractTest<GoodPlugin> {
  @Override
  protected GoodPlugin newPlugin() {
    return new GoodPlugin();
  }

  @Override
  protected Path readme() {
    return moduleDirectory().resolve("src/test/contract/good/README.md");
  }

  @Override
  protected Set<ProcessKind> expectedProcessKinds() {
    return Set.of(ProcessKind.SERVER);
  }

  @Override
  protected void exercise(GoodPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) {
    extensions.readHooks().get(0).beforeRead(new ReadRequest("s", 1, 0, new byte[] {1},
        Map.of()));
  }
}
