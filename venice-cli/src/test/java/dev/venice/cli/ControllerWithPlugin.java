package dev.venice.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.localcluster.LocalCluster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real local cluster whose controller knows one plugin, loaded from the directory its module
 * builds (as a controller checks a store's plugin settings against every plugin it finds), for
 * the tests of the commands that write a plugin's store setting ({@code set-read-timeout}, {@code
 * set-latency-budget}): runs {@code venice} commands against it in-process and reads stores'
 * plugin settings back. One per test class ({@code @BeforeAll}, closed in {@code @AfterAll}).
 */
public final class ControllerWithPlugin implements AutoCloseable {
  /** What one command did: its exit status and its trimmed output and error text. */
  public record Run(int status, String out, String err) {
    /** The output as JSON (for {@code --json}). */
    public JsonNode json() throws Exception {
      return Output.JSON.readTree(out);
    }
  }

  private final LocalCluster cluster;

  private ControllerWithPlugin(LocalCluster cluster) {
    this.cluster = cluster;
  }

  /**
   * Starts a cluster whose controller's {@code plugin.dir} (under {@code dir}) links the plugin
   * built by {@code module}.
   *
   * @param dir a scratch directory (the test's {@code @TempDir})
   * @param module the plugin's module from the repository root, such as {@code
   *     venice-client-decorators/read-timeout}; it must have been built ({@code mvn install -pl
   *     <module>})
   * @param pluginId the plugin's id, the name of the directory the module builds under {@code
   *     target/plugin/}
   */
  public static ControllerWithPlugin start(Path dir, String module, String pluginId)
      throws Exception {
    Path built = Path.of(System.getProperty("basedir", ".")).resolve("..").resolve(module)
        .resolve("target/plugin").resolve(pluginId).toAbsolutePath().normalize();
    assertTrue(Files.isDirectory(built), built + " is missing: build the " + pluginId
        + " module first (mvn install -pl " + module + ")");
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.createSymbolicLink(plugins.resolve(pluginId), built);
    return new ControllerWithPlugin(
        LocalCluster.builder().controllerConfig("plugin.dir", plugins.toString()).build());
  }

  /** Creates a string-to-string store of one partition. */
  public void createStore(String store) {
    new ControllerClient(cluster.controllerUrl())
        .createStore(store, "\"string\"", "\"string\"", 1, 1);
  }

  /** Runs {@code venice <args> --controller <this controller>} in-process. */
  public Run venice(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--controller", cluster.controllerUrl()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Venice.run(all.toArray(String[]::new), new PrintWriter(out, true),
        new PrintWriter(err, true));
    return new Run(status, out.toString().trim(), err.toString().trim());
  }

  /** The store's plugin settings as the controller keeps them (full keys). */
  public Map<String, String> pluginSettings(String store) {
    return new ControllerClient(cluster.controllerUrl()).getStore(store).pluginSettings();
  }

  @Override
  public void close() {
    cluster.close();
  }
}
