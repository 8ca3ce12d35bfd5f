package dev.venice.spi.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One configuration key a plugin accepts: its name relative to {@code plugins.<id>.}, its type,
 * default value, allowed values, a one-line description (shown by {@code venice plugins list}) and
 * whether a store may override it. Create keys with the static factories (every key may be
 * overridden per store unless made {@link #processOnly()}); they are immutable.
 *
 * @param <T> the parsed value type
 */
public final class ConfigKey<T> {
  private static final Pattern NAME = Pattern.compile("[a-z0-9]+([.-][a-z0-9]+)*");
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ns|us|ms|s|m|h|d)");

  private final String name;
  private final T defaultValue;
  private final String allowed;
  private final String description;
  private final Function<String, T> parser;
  private final boolean storeOverridable;

  private ConfigKey(
      String name, T defaultValue, String allowed, String description, Function<String, T> parser) {
    this(name, defaultValue, allowed, description, parser, true);
  }

  private ConfigKey(String name, T defaultValue, String allowed, String description,
      Function<String, T> parser, boolean storeOverridable) {
    if (!NAME.matcher(Objects.requireNonNull(name, "name")).matches() || name.equals("enabled")) {
      throw new IllegalArgumentException(
          "config key name '" + name + "' must be lower-case words joined by '.' or '-', and not"
              + " 'enabled' (the host owns plugins.<id>.enabled)");
    }
    this.name = name;
    this.allowed = allowed;
    this.description = Objects.requireNonNull(description, "description");
    this.parser = parser;
    this.defaultValue = defaultValue;
    this.storeOverridable = storeOverridable;
    if (defaultValue != null) {
      parse(format(defaultValue)); // a default outside the allowed values is a plugin bug: fail early
    }
  }

  /** A {@code true}/{@code false} key. */
  public static ConfigKey<Boolean> bool(String name, boolean defaultValue, String description) {
    return new ConfigKey<>(name, defaultValue, "true or false", description, raw -> {
      String v = raw.trim().toLowerCase(Locale.ROOT);
      if (!v.equals("true") && !v.equals("false")) {
        throw new IllegalArgumentException();
      }
      return Boolean.parseBoolean(v);
    });
  }

  /** An integer key accepting values from {@code min} to {@code max}, both included. */
  public static ConfigKey<Integer> integer(
      String name, int defaultValue, int min, int max, String description) {
    return new ConfigKey<>(name, defaultValue, "an integer from " + min + " to " + max, description,
        raw -> inRange(Integer.parseInt(raw.trim()), min, max));
  }

  /** A long key accepting values from {@code min} to {@code max}, both included. */
  public static ConfigKey<Long> longInteger(
      String name, long defaultValue, long min, long max, String description) {
    return new ConfigKey<>(name, defaultValue, "an integer from " + min + " to " + max, description,
        raw -> inRange(Long.parseLong(raw.trim()), min, max));
  }

  /** A decimal key accepting values from {@code min} to {@code max}, both included. */
  public static ConfigKey<Double> decimal(
      String name, double defaultValue, double min, double max, String description) {
    return new ConfigKey<>(name, defaultValue, "a number from " + min + " to " + max, description,
        raw -> {
          double v = Double.parseDouble(raw.trim());
          if (Double.isNaN(v)) {
            throw new IllegalArgumentException();
          }
          return inRange(v, min, max);
        });
  }

  /**
   * A duration key, written with a unit ({@code 250ms}, {@code 2s}, {@code 5m}; units ns, us, ms, s,
   * m, h, d) or in ISO-8601 ({@code PT0.25S}), accepting {@code min} to {@code max}.
   */
  public static ConfigKey<Duration> duration(
      String name, Duration defaultValue, Duration min, Duration max, String description) {
    return new ConfigKey<>(name, defaultValue,
        "a duration from " + format(min) + " to " + format(max) + " (e.g. 250ms, 2s, 5m)",
        description, raw -> inRange(parseDuration(raw.trim()), min, max));
  }

  /** A free-form string key; {@code null} default means the key is optional and unset. */
  public static ConfigKey<String> string(String name, String defaultValue, String description) {
    return new ConfigKey<>(name, defaultValue, "any text", description, raw -> raw);
  }

  /** A key whose value is one constant of {@code type}, matched case-insensitively. */
  public static <E extends Enum<E>> ConfigKey<E> oneOf(
      String name, Class<E> type, E defaultValue, String description) {
    E[] constants = type.getEnumConstants();
    String allowed = "one of " + Arrays.stream(constants).map(Enum::name)
        .collect(Collectors.joining(", "));
    return new ConfigKey<>(name, defaultValue, allowed, description, raw -> {
      for (E e : constants) {
        if (e.name().equalsIgnoreCase(raw.trim())) {
          return e;
        }
      }
      throw new IllegalArgumentException();
    });
  }

  /**
   * This key, settable only process-wide: a store's setting for it is refused by the controller on
   * {@code store update} and by {@link PluginConfig#withStoreOverrides}. Use it for what is sized
   * once per process (thread pools, buffers, connections).
   *
   * @return a new key; declare and use that one
   * @since 1.1.0
   */
  public ConfigKey<T> processOnly() {
    return new ConfigKey<>(name, defaultValue, allowed, description, parser, false);
  }

  /**
   * Whether a store's settings may override this key (true unless {@link #processOnly()}).
   *
   * @since 1.1.0
   */
  public boolean storeOverridable() {
    return storeOverridable;
  }

  /** The name relative to {@code plugins.<id>.}, e.g. {@code delay}. */
  public String name() {
    return name;
  }

  /** The value used when the key is not set; may be {@code null} for an optional string. */
  public T defaultValue() {
    return defaultValue;
  }

  /** A human description of the allowed values, e.g. "an integer from 1 to 100". */
  public String allowedValues() {
    return allowed;
  }

  /** A one-line description of what the key does. */
  public String description() {
    return description;
  }

  /**
   * Parses a raw value.
   *
   * @throws IllegalArgumentException when the value is not one of the allowed values
   */
  public T parse(String raw) {
    try {
      return parser.apply(Objects.requireNonNull(raw, "value"));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "'" + raw + "' is not allowed for " + name + ": expected " + allowed, e);
    }
  }

  /**
   * Writes a value back in the form {@link #parse} accepts; a duration in its largest whole unit
   * ({@code 250ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 7d}).
   */
  public static String format(Object value) {
    if (value instanceof Duration d) {
      if (d.toNanos() % 1_000_000 != 0) {
        return d.toNanos() + "ns";
      }
      if (d.toMillis() % 1000 != 0) {
        return d.toMillis() + "ms";
      }
      long seconds = d.toSeconds();
      if (seconds != 0 && seconds % 86_400 == 0) {
        return seconds / 86_400 + "d";
      }
      if (seconds != 0 && seconds % 3600 == 0) {
        return seconds / 3600 + "h";
      }
      return seconds != 0 && seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }
    return String.valueOf(value);
  }

  private static Duration parseDuration(String raw) {
    Matcher m = DURATION.matcher(raw.toLowerCase(Locale.ROOT));
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ns" -> Duration.ofNanos(n);
        case "us" -> Duration.ofNanos(Math.multiplyExact(n, 1000L));
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      return Duration.parse(raw);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static <C extends Comparable<C>> C inRange(C value, C min, C max) {
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException();
    }
    return value;
  }

  @Override
  public String toString() {
    return name + " (" + allowed + ", default " + format(defaultValue) + ")";
  }
}
