package dev.venice.runtime.common.plugin;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.common.plugin.fixture.ConfigurableTestPlugin;
import dev.venice.spi.plugin.VenicePlugin;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Builds real plugin jars for tests: from the fixture classes, or compiled from source. */
public final class PluginJars {
  private PluginJars() {}

  /**
   * Writes {@code <pluginsDir>/<dirName>/<dirName>.jar} holding {@link ConfigurableTestPlugin}
   * with the given behaviour, and returns the plugin's directory.
   */
  public static Path fixturePlugin(Path pluginsDir, String dirName, Map<String, String> behaviour)
      throws IOException {
    Path dir = Files.createDirectories(pluginsDir.resolve(dirName));
    Path classes = fixtureClassesRoot();
    String packagePath = ConfigurableTestPlugin.class.getPackageName().replace('.', '/');
    Properties props = new Properties();
    props.putAll(behaviour);
    StringWriter text = new StringWriter();
    props.store(text, null);
    try (JarOutputStream jar = new JarOutputStream(
        Files.newOutputStream(dir.resolve(dirName + ".jar")));
        Stream<Path> files = Files.list(classes.resolve(packagePath))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        put(jar, packagePath + "/" + file.getFileName(), Files.readAllBytes(file));
      }
      put(jar, "fixture.properties", text.toString().getBytes(StandardCharsets.ISO_8859_1));
      put(jar, "META-INF/services/" + VenicePlugin.class.getName(),
          ConfigurableTestPlugin.class.getName().getBytes(StandardCharsets.UTF_8));
    }
    return dir;
  }

  /**
   * Compiles {@code sources} (class name to source) against the test class path plus {@code
   * libraries}, and writes them as a plugin jar whose service is {@code pluginClass}.
   */
  public static void compiledPlugin(Path jarFile, Map<String, String> sources, List<Path> libraries,
      String pluginClass) throws IOException {
    Path work = Files.createTempDirectory("plugin-src");
    try {
      List<String> files = new ArrayList<>();
      for (Map.Entry<String, String> source : sources.entrySet()) {
        Path file = work.resolve("src").resolve(source.getKey().replace('.', '/') + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source.getValue());
        files.add(file.toString());
      }
      Path out = Files.createDirectories(work.resolve("classes"));
      String classPath = System.getProperty("java.class.path") + File.pathSeparator
          + libraries.stream().map(Path::toString)
              .collect(Collectors.joining(File.pathSeparator));
      List<String> args = new ArrayList<>(List.of("-d", out.toString(), "-cp", classPath,
          "--release", "17", "-proc:none"));
      args.addAll(files);
      JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
      assertTrue(javac.run(null, null, System.err, args.toArray(String[]::new)) == 0,
          "fixture plugin did not compile");
      Files.createDirectories(jarFile.getParent());
      try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(jarFile));
          Stream<Path> walk = Files.walk(out)) {
        for (Path file : walk.filter(Files::isRegularFile).toList()) {
          put(jar, out.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
        }
        put(jar, "META-INF/services/" + VenicePlugin.class.getName(),
            pluginClass.getBytes(StandardCharsets.UTF_8));
      }
    } finally {
      try (Stream<Path> walk = Files.walk(work)) { // sources and classes: in the jar now
        for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }

  /** Writes a jar with one resource and no plugin in it. */
  public static void plainJar(Path jarFile) throws IOException {
    Files.createDirectories(jarFile.getParent());
    try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(jarFile))) {
      put(jar, "README.txt", "not a plugin".getBytes(StandardCharsets.UTF_8));
    }
  }

  private static Path fixtureClassesRoot() {
    try {
      return Path.of(ConfigurableTestPlugin.class.getProtectionDomain().getCodeSource()
          .getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void put(JarOutputStream jar, String name, byte[] bytes) throws IOException {
    jar.putNextEntry(new JarEntry(name));
    OutputStream out = jar;
    out.write(bytes);
    jar.closeEntry();
  }
}
