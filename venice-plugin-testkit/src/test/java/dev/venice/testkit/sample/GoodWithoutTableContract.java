package dev.venice.testkit.sample;

import java.nio.file.Path;

/** The contract on {@link GoodPlugin} with a README lacking the configuration table. */
public class GoodWithoutTableContract extends GoodContract {
  @Override
  protected Path readme() {
    return moduleDirectory().resolve("src/test/contract/good/README-without-table.md");
  }
}
