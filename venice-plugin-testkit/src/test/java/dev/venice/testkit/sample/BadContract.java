package dev.venice.testkit.sample;

import dev.venice.spi.plugin.ProcessKind;
import dev.venice.testkit.PluginContractTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/** The contract on {@link BadPlugin}; run by PluginContractSelfTest, not by surefire. */
public class BadContract extends PluginContractTest<BadPlugin> {
  @Override
  protected BadPlugin newPlugin() {
    return new BadPlugin();
  }

  @Override
  protected Path readme() {
    return moduleDirectory().resolve("src/test/contract/bad/README.md");
  }

  @Override
  protected Set<ProcessKind> expectedProcessKinds() {
    return Set.of(ProcessKind.SERVER);
  }

  @Override
  protected Duration threadEndTimeout() {
    return Duration.ofMillis(200);
  }
}
