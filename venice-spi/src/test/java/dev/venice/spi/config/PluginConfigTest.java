package dev.venice.spi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PluginConfigTest {
  enum Mode { FIXED, PERCENTILE }

  static final ConfigKey<Boolean> ON = ConfigKey.bool("on", false, "switch");
  static final ConfigKey<Integer> SIZE = ConfigKey.integer("size", 10, 1, 100, "size");
  static final ConfigKey<Long> BYTES = ConfigKey.longInteger("bytes", 1L << 20, 0, 1L << 40, "b");
  static final ConfigKey<Double> RATE = ConfigKey.decimal("rate", 0.01, 0.0, 1.0, "rate");
  static final ConfigKey<Duration> DELAY = ConfigKey.duration(
      "delay", Duration.ofMillis(2), Duration.ZERO, Duration.ofMinutes(1), "delay");
  static final ConfigKey<Mode> MODE = ConfigKey.oneOf("mode", Mode.class, Mode.FIXED, "mode");
  static final ConfigKey<String> NAME = ConfigKey.string("name", null, "optional name");
  static final List<ConfigKey<?>> KEYS = List.of(ON, SIZE, BYTES, RATE, DELAY, MODE, NAME);

  private static PluginConfig config(Map<String, String> raw) {
    return PluginConfig.of("hedging", KEYS, raw);
  }

  @Test
  void defaultsWhenUnset() {
    PluginConfig c = config(Map.of());
    assertFalse(c.get(ON));
    assertEquals(10, c.get(SIZE));
    assertEquals(Duration.ofMillis(2), c.get(DELAY));
    assertEquals(Mode.FIXED, c.get(MODE));
    assertEquals(null, c.get(NAME));
    assertFalse(c.isSet(SIZE));
  }

  @Test
  void parsesEveryType() {
    PluginConfig c = config(Map.of("on", "TRUE", "size", " 7 ", "bytes", "4096", "rate", "0.5",
        "delay", "1500us", "mode", "percentile", "name", "x"));
    assertTrue(c.get(ON));
    assertEquals(7, c.get(SIZE));
    assertEquals(4096L, c.get(BYTES));
    assertEquals(0.5, c.get(RATE));
    assertEquals(Duration.ofNanos(1_500_000), c.get(DELAY));
    assertEquals(Mode.PERCENTILE, c.get(MODE));
    assertEquals("x", c.get(NAME));
    assertEquals(Duration.ofMillis(250), config(Map.of("delay", "PT0.25S")).get(DELAY));
    assertEquals(Duration.ofMinutes(1), config(Map.of("delay", "1m")).get(DELAY));
  }

  @Test
  void durationsAreWrittenInTheirLargestWholeUnitAndReadBack() {
    ConfigKey<Duration> key = ConfigKey.duration("d", Duration.ZERO, Duration.ZERO,
        Duration.ofDays(30), "a duration");
    Map<Duration, String> written = Map.of(Duration.ZERO, "0s", Duration.ofMillis(250), "250ms",
        Duration.ofSeconds(90), "90s", Duration.ofMinutes(5), "5m", Duration.ofHours(1), "1h",
        Duration.ofDays(7), "7d", Duration.ofNanos(1500), "1500ns");
    written.forEach((duration, text) -> {
      assertEquals(text, ConfigKey.format(duration));
      assertEquals(duration, key.parse(text));
    });
  }

  @Test
  void badValuesNameTheKeyAndTheAllowedValues() {
    Map<String, String> expected = Map.of(
        "on", "expected true or false",
        "size", "expected an integer from 1 to 100",
        "rate", "expected a number from 0.0 to 1.0",
        "delay", "expected a duration from 0s to 1m (e.g. 250ms, 2s, 5m)",
        "mode", "expected one of FIXED, PERCENTILE");
    for (String bad : new String[] {"", "yes", "-1", "1e9", "NaN", "2 weeks", "999999999999999999999"}) {
      expected.forEach((key, allowed) -> {
        if (key.equals("on") && bad.isEmpty()) {
          return;
        }
        ConfigException e = assertThrows(ConfigException.class,
            () -> config(Map.of(key, bad)), key + "=" + bad);
        assertEquals("plugins.hedging." + key, e.key());
        assertEquals("bad value '" + bad + "' for plugins.hedging." + key + ": " + allowed,
            e.getMessage());
      });
    }
  }

  @Test
  void unknownKeysAreRefusedWithTheAcceptedKeys() {
    ConfigException e = assertThrows(ConfigException.class, () -> config(Map.of("sise", "3")));
    assertEquals("plugins.hedging.sise", e.key());
    assertTrue(e.getMessage().startsWith("unknown configuration key plugins.hedging.sise; plugin"
        + " hedging accepts bytes (an integer from 0 to 1099511627776), delay ("), e.getMessage());
  }

  @Test
  void storeOverridesLayerOverProcessValues() {
    PluginConfig process = config(Map.of("size", "20", "mode", "percentile"));
    PluginConfig store = process.withOverrides(Map.of("size", "30"));
    assertEquals(30, store.get(SIZE));
    assertEquals(Mode.PERCENTILE, store.get(MODE));
    assertEquals(20, process.get(SIZE));
    assertThrows(ConfigException.class, () -> process.withOverrides(Map.of("size", "0")));
  }

  @Test
  void pluginBugsFailFast() {
    assertThrows(IllegalArgumentException.class,
        () -> ConfigKey.integer("size", 500, 1, 100, "default out of range"));
    assertThrows(IllegalArgumentException.class, () -> ConfigKey.bool("enabled", true, "taken"));
    assertThrows(IllegalArgumentException.class, () -> ConfigKey.bool("Has Space", true, "bad"));
    assertThrows(IllegalArgumentException.class,
        () -> PluginConfig.of("p", List.of(SIZE, SIZE), Map.of()));
    ConfigKey<Integer> undeclared = ConfigKey.integer("other", 1, 0, 2, "not declared");
    assertThrows(IllegalArgumentException.class, () -> config(Map.of()).get(undeclared));
  }
}
