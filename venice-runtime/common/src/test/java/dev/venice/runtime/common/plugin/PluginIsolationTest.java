package dev.venice.runtime.common.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.venice.spi.server.ReadDecision;
import dev.venice.spi.server.ReadRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two plugins that bundle two versions of commons-lang3 load side by side in one host that has a
 * third version on its own class path. The newer one calls {@code org.apache.commons.lang3.Strings},
 * which only exists since 3.18; the older one must not see that class, and each reports the library
 * version its own class loader found.
 */
class PluginIsolationTest {
  @TempDir Path plugins;

  private static final String SOURCE = """
      package fixture.%1$s;

      import dev.venice.spi.plugin.*;
      import dev.venice.spi.server.*;
      import java.nio.charset.StandardCharsets;

      public final class LangPlugin implements VenicePlugin {
        public PluginDescriptor descriptor() {
          return new PluginDescriptor("%1$s", "1.0.0", "[1.0,2.0)", "commons-lang3 user");
        }

        public void start(PluginContext context, Extensions extensions) {
          extensions.addReadHook(new ReadHook() {
            public ReadDecision beforeRead(ReadRequest request) {
              String key = new String(request.key(), StandardCharsets.UTF_8);
              if (!key.startsWith("%1$s/")) {
                return ReadDecision.PROCEED;
              }
              String answer = %2$s + " lang3=" + org.apache.commons.lang3.StringUtils.class
                  .getPackage().getImplementationVersion() + " strings=" + visible();
              return ReadDecision.answer(1, answer.getBytes(StandardCharsets.UTF_8));
            }
          });
        }

        private static boolean visible() {
          try {
            Class.forName("org.apache.commons.lang3.Strings");
            return true;
          } catch (ClassNotFoundException e) {
            return false;
          }
        }
      }
      """;

  private static Path library(String version) {
    Path jar = Path.of(System.getProperty("fixture.libs"), "commons-lang3-" + version + ".jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " missing: run the tests through Maven");
    }
    return jar;
  }

  private void install(String id, String version, String expression) throws Exception {
    Path lib = library(version);
    Path dir = plugins.resolve(id);
    PluginJars.compiledPlugin(dir.resolve(id + ".jar"),
        Map.of("fixture." + id.replace('-', '_') + ".LangPlugin",
            String.format(SOURCE, id, expression).replace("package fixture." + id + ";",
                "package fixture." + id.replace('-', '_') + ";")),
        List.of(lib), "fixture." + id.replace('-', '_') + ".LangPlugin");
    Files.copy(lib, dir.resolve(lib.getFileName()));
  }

  @Test
  void twoVersionsOfOneLibraryLiveSideBySide() throws Exception {
    assertEquals("3.18.0", org.apache.commons.lang3.StringUtils.class.getPackage()
        .getImplementationVersion(), "the host's own copy");
    install("lang-old", "3.8.1", "org.apache.commons.lang3.StringUtils.capitalize(\"old\")");
    install("lang-new", "3.20.0",
        "(org.apache.commons.lang3.Strings.CI.startsWith(\"NEW\", \"new\") ? \"New\" : \"?\")");
    try (PluginManager manager = PluginManager.builder(
            BasicHostServices.minimal("server", "s", "test"))
        .pluginDirectory(plugins)
        .config(Map.of("plugins.lang-old.enabled", "true", "plugins.lang-new.enabled", "true"))
        .build().start()) {
      assertEquals("Old lang3=3.8.1 strings=false", read(manager, "lang-old/k"),
          manager.plugins().toString());
      assertEquals("New lang3=3.20.0 strings=true", read(manager, "lang-new/k"));
    }
  }

  private static String read(PluginManager manager, String key) {
    ReadDecision d = manager.readHooks().beforeRead(
        new ReadRequest("s", 1, 0, key.getBytes(StandardCharsets.UTF_8), Map.of()));
    return d.answered() ? new String(d.value(), StandardCharsets.UTF_8) : null;
  }
}
