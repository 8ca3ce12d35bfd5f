package dev.venice.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.venice.spi.SpiVersion;
import dev.venice.spi.VersionRange;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.StoreSettings;
import dev.venice.spi.plugin.VenicePlugin;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The checks every plugin passes, run by each plugin's {@code <X>PluginTest extends
 * PluginContractTest<XPlugin>}. Each check is its own test and its failure names the plugin and
 * what is wrong:
 *
 * <ul>
 *   <li>the descriptor's id is the module's {@code venice.plugin.id} and its version the module's
 *       Maven version (both given to tests as system properties by {@code venice-plugin-parent});
 *       its SPI range contains {@link SpiVersion#CURRENT}; its process kinds are {@link
 *       #expectedProcessKinds()}; {@code META-INF/services} names the plugin class;
 *   <li>every declared key has a unique name, a description and a default that parses back;
 *   <li>the README's configuration table (header {@code | key | default | allowed | per store |
 *       meaning |}, one row per key: the key in backticks, the default in backticks as {@link
 *       ConfigKey#format} writes it, or a cell without backticks such as {@code none} for a key
 *       with no default, the allowed values, {@code yes} or {@code no} (maybe followed by a note)
 *       for whether a store may override it, what it does) lists exactly the declared keys, with
 *       their defaults and per-store status;
 *   <li>started in a {@link TestingPluginContext} (switched on, default configuration), exercised
 *       with {@link #exercise}, stopped and its context closed, the plugin leaves no non-daemon
 *       thread running that was not running before, names every meter under {@link
 *       TestingPluginContext#metricPrefix()} and gives one meter name one set of tag keys. Meters
 *       may stay registered after {@code stop()}, as in a host, whose registry outlives plugins;
 *   <li>a bad store value (for each store-overridable key a value it cannot parse, for each
 *       process-only key any value, and an unknown key) set through {@link TestingStores} never
 *       makes {@code StoreSettings.get} throw, keeps the store's last good settings and is
 *       recorded in {@link TestingPluginContext#storeErrors()} naming the key.
 * </ul>
 *
 * <p>Hooks to override: {@link #readme()}, {@link #expectedProcessKinds()}, {@link
 * #contextBuilder} (process configuration, host services) and {@link #exercise} (drive traffic so
 * meters registered on demand are checked too). Instances are used by one JUnit thread at a time.
 *
 * @param <P> the plugin class
 */
public abstract class PluginContractTest<P extends VenicePlugin> {
  /** The system property holding the module's {@code venice.plugin.id}. */
  public static final String PLUGIN_ID_PROPERTY = "venice.plugin.id";
  /** The system property holding the module's Maven version. */
  public static final String PLUGIN_VERSION_PROPERTY = "venice.plugin.version";
  /** The configuration table's header cells, lower case. */
  public static final List<String> TABLE_HEADER =
      List.of("key", "default", "allowed", "per store", "meaning");

  private static final Pattern BACKTICKED = Pattern.compile("`([^`]+)`");
  private static final Pattern CELL_SPLIT = Pattern.compile("(?<!\\\\)\\|");
  private static final List<String> UNPARSEABLE =
      List.of("not-a-valid-value-\u00bf?", "-1", "", "999999999999999999999999");
  private static final Map<String, ProcessKind> KIND_DIRECTORIES = Map.of(
      "venice-client-decorators", ProcessKind.CLIENT,
      "venice-server-plugins", ProcessKind.SERVER,
      "venice-router-plugins", ProcessKind.ROUTER,
      "venice-controller-plugins", ProcessKind.CONTROLLER);

  /** A new, unstarted instance of the plugin under test (as {@code ServiceLoader} would make). */
  protected abstract P newPlugin();

  /** The module's directory: the {@code basedir} system property Maven sets, else the current. */
  protected Path moduleDirectory() {
    return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
  }

  /** The plugin's README; by default {@code README.md} in {@link #moduleDirectory()}. */
  protected Path readme() {
    return moduleDirectory().resolve("README.md");
  }

  /**
   * The kinds of process the plugin must name. By default the kind of its parent directory:
   * {@code venice-client-decorators} client, {@code venice-server-plugins} server, {@code
   * venice-router-plugins} router, {@code venice-controller-plugins} controller; a plugin running
   * in several kinds overrides this.
   */
  protected Set<ProcessKind> expectedProcessKinds() {
    Path parent = moduleDirectory().getParent();
    String directory = parent == null ? "" : String.valueOf(parent.getFileName());
    ProcessKind kind = KIND_DIRECTORIES.get(directory);
    if (kind == null) {
      fail(name() + ": cannot tell the expected process kinds from the parent directory '"
          + directory + "' (expected one of " + new TreeSet<>(KIND_DIRECTORIES.keySet())
          + "); override expectedProcessKinds()");
    }
    return Set.of(kind);
  }

  /**
   * How long, after {@code stop()} and the context's close, the plugin's threads may take to end
   * before {@link #startAndStopLeaveNoThreadBehind} fails; 10 seconds by default.
   */
  protected Duration threadEndTimeout() {
    return Await.DEFAULT_TIMEOUT;
  }

  /**
   * The context the lifecycle checks start the plugin in; by default {@code
   * TestingPluginContext.builder(plugin)} with the default configuration. Override to add
   * process configuration or host services (Kafka settings, stores, routing) the plugin needs.
   */
  protected TestingPluginContext.Builder contextBuilder(P plugin) {
    return TestingPluginContext.builder(plugin);
  }

  /**
   * Called after the plugin started, before it stops, in the thread and meter checks: drive the
   * hooks it added (a request, a record, an admin mutation) so meters and threads it creates on
   * demand are checked too. Does nothing by default.
   */
  protected void exercise(P plugin, TestingPluginContext context, TestingExtensions extensions)
      throws Exception {}

  // ---- descriptor -------------------------------------------------------------------------

  /** The descriptor's id is the module's {@code venice.plugin.id}. */
  @Test
  public void descriptorIdIsTheModulesPluginId() {
    String expected = property(PLUGIN_ID_PROPERTY);
    assertEquals(expected, newPlugin().descriptor().id(), () -> name() + ": the descriptor's id"
        + " must be the module's venice.plugin.id (its directory, config namespace and metric"
        + " segment)");
  }

  /** The descriptor's version is the module's Maven version. */
  @Test
  public void descriptorVersionIsTheModulesVersion() {
    String expected = property(PLUGIN_VERSION_PROPERTY);
    assertEquals(expected, newPlugin().descriptor().version(), () -> name() + ": the"
        + " descriptor's version must be the module's <version> in its pom");
  }

  /** The descriptor's SPI range contains the SPI the plugin is built against. */
  @Test
  public void spiRangeContainsTheCurrentSpi() {
    String range = newPlugin().descriptor().spiVersionRange();
    VersionRange parsed;
    try {
      parsed = VersionRange.parse(range);
    } catch (IllegalArgumentException e) {
      throw new AssertionError(name() + ": the SPI range is malformed: " + e.getMessage(), e);
    }
    assertTrue(parsed.contains(SpiVersion.CURRENT), () -> name() + ": the SPI range " + range
        + " does not contain the SPI it is built against, " + SpiVersion.CURRENT);
  }

  /** The descriptor names the expected process kinds. */
  @Test
  public void processKindsAreTheExpectedOnes() {
    assertEquals(new TreeSet<>(expectedProcessKinds()),
        new TreeSet<>(newPlugin().descriptor().processKinds()),
        () -> name() + ": the descriptor's process kinds");
  }

  /** {@code META-INF/services/dev.venice.spi.plugin.VenicePlugin} names the plugin's class. */
  @Test
  public void serviceFileNamesThePlugin() {
    Class<?> type = newPlugin().getClass();
    List<String> found = ServiceLoader.load(VenicePlugin.class, type.getClassLoader()).stream()
        .map(p -> p.type().getName()).toList();
    assertTrue(found.contains(type.getName()), () -> name() + ": META-INF/services/"
        + VenicePlugin.class.getName() + " does not name " + type.getName() + " (found "
        + found + "); hosts would never find the plugin");
  }

  // ---- keys -------------------------------------------------------------------------------

  /** Every key has a unique name, a description, and a default that parses back to itself. */
  @Test
  public void everyKeyIsDescribedAndItsDefaultParses() {
    List<String> problems = new ArrayList<>();
    Set<String> names = new TreeSet<>();
    for (ConfigKey<?> key : keys()) {
      if (!names.add(key.name())) {
        problems.add(key.name() + " is declared twice");
      }
      if (key.description() == null || key.description().isBlank()) {
        problems.add(key.name() + " has no description");
      }
      Object value = key.defaultValue();
      if (value != null) {
        String formatted = ConfigKey.format(value);
        try {
          Object parsed = key.parse(formatted);
          if (!parsed.equals(value)) {
            problems.add(key.name() + ": its default " + formatted + " parses to " + parsed);
          }
        } catch (IllegalArgumentException e) {
          problems.add(key.name() + ": its default does not parse: " + e.getMessage());
        }
      }
    }
    assertTrue(problems.isEmpty(), () -> name() + ": " + String.join("; ", problems));
  }

  // ---- README -----------------------------------------------------------------------------

  /** The README's configuration table lists exactly the declared keys. */
  @Test
  public void readmeTableListsExactlyTheDeclaredKeys() {
    Map<String, List<String>> rows = readmeTable();
    Set<String> declared = keys().stream().map(ConfigKey::name)
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> missing = new TreeSet<>(declared);
    missing.removeAll(rows.keySet());
    Set<String> extra = new TreeSet<>(rows.keySet());
    extra.removeAll(declared);
    assertTrue(missing.isEmpty() && extra.isEmpty(), () -> name() + ": the configuration table"
        + " in " + readme() + " does not list exactly the declared keys: missing " + missing
        + ", not declared " + extra);
  }

  /** Each table row gives the key's declared default as {@link ConfigKey#format} writes it. */
  @Test
  public void readmeTableGivesEachDeclaredDefault() {
    Map<String, List<String>> rows = readmeTable();
    List<String> problems = new ArrayList<>();
    for (ConfigKey<?> key : keys()) {
      List<String> row = rows.get(key.name());
      if (row == null) {
        continue; // reported by readmeTableListsExactlyTheDeclaredKeys
      }
      String cell = row.get(1);
      if (key.defaultValue() == null) {
        if (BACKTICKED.matcher(cell).find()) {
          problems.add(key.name() + " has no default, but the table gives " + cell);
        }
      } else {
        String expected = "`" + ConfigKey.format(key.defaultValue()) + "`";
        if (!cell.startsWith(expected)) {
          problems.add(key.name() + ": default " + expected + " declared, the table gives '"
              + cell + "'");
        }
      }
    }
    assertTrue(problems.isEmpty(), () -> name() + ": in " + readme() + ": "
        + String.join("; ", problems));
  }

  /** Each table row says {@code yes} or {@code no} as the key may be set per store or not. */
  @Test
  public void readmeTableSaysWhichKeysStoresMayOverride() {
    Map<String, List<String>> rows = readmeTable();
    List<String> problems = new ArrayList<>();
    for (ConfigKey<?> key : keys()) {
      List<String> row = rows.get(key.name());
      if (row == null) {
        continue;
      }
      String cell = row.get(3).toLowerCase(Locale.ROOT);
      String expected = key.storeOverridable() ? "yes" : "no";
      if (!cell.startsWith(expected)) {
        problems.add(key.name() + " is " + (key.storeOverridable() ? "store-overridable"
            : "process-only") + ": its 'per store' cell must start with '" + expected
            + "', not '" + row.get(3) + "'");
      }
    }
    assertTrue(problems.isEmpty(), () -> name() + ": in " + readme() + ": "
        + String.join("; ", problems));
  }

  // ---- lifecycle --------------------------------------------------------------------------

  /** Started, exercised and stopped, the plugin leaves no non-daemon thread of its own running. */
  @Test
  public void startAndStopLeaveNoThreadBehind() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    runOnce();
    Await.until(() -> leftThreads(before).isEmpty(), threadEndTimeout(), () -> name()
        + ": after stop() the non-daemon threads it started to end: " + leftThreads(before));
  }

  /** Every meter the plugin registers is named under the context's metric prefix. */
  @Test
  public void metersAreNamedUnderTheMetricPrefix() throws Exception {
    Run run = runOnce();
    List<String> outside = run.meters.stream().map(m -> m.getId().getName())
        .filter(n -> !n.startsWith(run.prefix)).distinct().sorted().toList();
    assertTrue(outside.isEmpty(), () -> name() + ": meters not under " + run.prefix
        + " (use context.metricPrefix()): " + outside);
  }

  /** One meter name always carries one set of tag keys (a host refuses a second set). */
  @Test
  public void eachMeterNameKeepsOneSetOfTagKeys() throws Exception {
    Run run = runOnce();
    Map<String, Set<Set<String>>> tagKeys = new TreeMap<>();
    for (Meter meter : run.meters) {
      Set<String> keys = meter.getId().getTags().stream().map(Tag::getKey)
          .collect(Collectors.toCollection(TreeSet::new));
      tagKeys.computeIfAbsent(meter.getId().getName(), n -> new HashSet<>()).add(keys);
    }
    Map<String, Set<Set<String>>> mixed = new TreeMap<>(tagKeys);
    mixed.values().removeIf(sets -> sets.size() < 2);
    assertTrue(mixed.isEmpty(), () -> name() + ": meter names with more than one set of tag"
        + " keys (a host's registry refuses all but the first): " + mixed);
  }

  /**
   * A bad store value never makes {@code StoreSettings.get} throw: the store keeps its last good
   * settings and the error is recorded, naming the key. Tried on every {@code StoreSettings} the
   * plugin asked for at start, and on one of plain {@link PluginConfig}s (so the plugin's {@code
   * validate} and keys are checked even if it asks for none).
   */
  @Test
  public void aBadStoreValueIsRecordedNeverThrown() throws Exception {
    P plugin = newPlugin();
    try (TestingPluginContext context = contextBuilder(plugin).build()) {
      context.start();
      StoreSettings<PluginConfig> plain = context.storeSettings(c -> c);
      List<StoreSettings<?>> all = context.storeSettingsRequested();
      Map<String, String> cases = new LinkedHashMap<>();
      for (ConfigKey<?> key : keys()) {
        String bad = key.storeOverridable() ? unparseable(key)
            : key.defaultValue() != null ? ConfigKey.format(key.defaultValue()) : "x";
        if (bad != null) {
          cases.put(key.name(), bad);
        }
      }
      cases.put("no-such-key-of-the-contract", "1");
      List<String> problems = new ArrayList<>();
      cases.forEach((key, bad) -> {
        String store = "contract-" + key;
        String fullKey = "plugins." + context.pluginId() + "." + key;
        context.putStoreSettings(store, Map.of()); // known, with good (empty) settings
        List<Object> lastGood = new ArrayList<>();
        for (StoreSettings<?> s : all) {
          lastGood.add(s.get(store));
        }
        context.putStoreSettings(store, Map.of(key, bad));
        for (int i = 0; i < all.size(); i++) {
          Object now;
          try {
            now = all.get(i).get(store);
          } catch (RuntimeException e) {
            problems.add(fullKey + "='" + bad + "': StoreSettings.get threw " + e);
            continue;
          }
          if (now != lastGood.get(i)) {
            problems.add(fullKey + "='" + bad + "': the store's last good settings were not"
                + " kept" + (all.get(i) == plain ? " (plain PluginConfig settings)" : ""));
          }
        }
        String error = context.storeErrors().get(store);
        if (error == null || !error.contains(fullKey)) {
          problems.add(fullKey + "='" + bad + "': not recorded as the store's error naming the"
              + " key (recorded: " + error + ")");
        }
        context.enabledForStore(store);
      });
      assertNotNull(plain.processWide());
      assertTrue(problems.isEmpty(), () -> name() + ": " + String.join("; ", problems));
      assertSame(plain.processWide(), plain.get("contract-unknown-store"),
          () -> name() + ": an unknown store gets the process-wide settings");
    }
  }

  // ---- helpers ----------------------------------------------------------------------------

  /** What one start-exercise-stop left. */
  private record Run(String prefix, List<Meter> meters) {}

  private Run runOnce() throws Exception {
    P plugin = newPlugin();
    TestingPluginContext context = contextBuilder(plugin).build();
    try {
      TestingExtensions extensions = context.start();
      exercise(plugin, context, extensions);
      context.stopPlugin();
    } finally {
      context.close();
    }
    return new Run(context.metricPrefix(), List.copyOf(context.meterRegistry().getMeters()));
  }

  private static List<String> leftThreads(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !t.isDaemon() && !before.contains(t))
        .map(Thread::getName).sorted().toList();
  }

  private static String unparseable(ConfigKey<?> key) {
    for (String candidate : UNPARSEABLE) {
      try {
        key.parse(candidate);
      } catch (IllegalArgumentException e) {
        return candidate;
      }
    }
    return null; // every text is allowed (a string key): nothing a store could get wrong
  }

  private List<ConfigKey<?>> keys() {
    return newPlugin().configKeys();
  }

  /** "plugin <id> (<class>)" for messages. */
  protected final String name() {
    P plugin = newPlugin();
    String id;
    try {
      id = plugin.descriptor().id();
    } catch (RuntimeException e) {
      id = "?";
    }
    return "plugin " + id + " (" + plugin.getClass().getSimpleName() + ")";
  }

  private String property(String key) {
    String value = System.getProperty(key);
    if (value == null || value.isBlank() || value.startsWith("${")) {
      fail(name() + ": system property " + key + " is not set; venice-plugin-parent's"
          + " plugin-module profile sets it for surefire (run the test with Maven)");
    }
    return value;
  }

  /**
   * The README's configuration table: key to its row's five cells (trimmed).
   *
   * @throws AssertionError when the README is missing, has no table with the header, or a row is
   *     malformed
   */
  private Map<String, List<String>> readmeTable() {
    Path path = readme();
    List<String> lines;
    try {
      lines = Files.readAllLines(path);
    } catch (IOException e) {
      throw new AssertionError(name() + ": cannot read its README " + path + ": " + e, e);
    }
    int header = -1;
    for (int i = 0; i < lines.size() && header < 0; i++) {
      List<String> cells = cells(lines.get(i));
      if (cells != null && cells.stream().map(c -> c.toLowerCase(Locale.ROOT).replaceAll(
          "\\s+", " ")).toList().equals(TABLE_HEADER)) {
        header = i;
      }
    }
    if (header < 0) {
      if (keys().isEmpty()) {
        return Map.of();
      }
      throw new AssertionError(name() + ": " + path + " has no configuration table: expected a"
          + " markdown table with the header | key | default | allowed | per store | meaning |"
          + " and one row per declared key");
    }
    Map<String, List<String>> rows = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    for (int i = header + 2; i < lines.size(); i++) {
      List<String> cells = cells(lines.get(i));
      if (cells == null) {
        break;
      }
      if (cells.size() != TABLE_HEADER.size()) {
        problems.add("line " + (i + 1) + " has " + cells.size() + " cells, not "
            + TABLE_HEADER.size());
        continue;
      }
      Matcher key = BACKTICKED.matcher(cells.get(0));
      if (!key.matches()) {
        problems.add("line " + (i + 1) + ": the first cell must be the key in backticks, not '"
            + cells.get(0) + "'");
        continue;
      }
      if (rows.put(key.group(1), cells) != null) {
        problems.add("line " + (i + 1) + ": key " + key.group(1) + " is listed twice");
      }
    }
    if (!problems.isEmpty()) {
      throw new AssertionError(name() + ": the configuration table in " + path + ": "
          + String.join("; ", problems));
    }
    return rows;
  }

  /** A markdown table row's cells, trimmed; {@code null} when the line is not a table row. */
  private static List<String> cells(String line) {
    String t = line.trim();
    if (!t.startsWith("|")) {
      return null;
    }
    String inner = t.substring(1, t.endsWith("|") && t.length() > 1 ? t.length() - 1 : t.length());
    List<String> cells = new ArrayList<>();
    for (String cell : CELL_SPLIT.split(inner, -1)) {
      cells.add(cell.trim());
    }
    return cells;
  }
}
