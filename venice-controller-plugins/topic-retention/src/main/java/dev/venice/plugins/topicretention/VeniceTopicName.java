package dev.venice.plugins.topicretention;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Kafka topic name that is a Venice store's, parsed from its end: {@code <store>_rt} (the
 * store's real-time topic), {@code <store>_dlq} (its dead-letter topic, kept by the
 * dead-letter-queue plugin) or {@code <store>_v<N>} (the topic of version N). The suffix decides
 * the store, so the parse is unambiguous even for store names that end in a suffix themselves:
 * {@code a_rt_v2} is version 2 of store {@code a_rt}, {@code a_v1_rt} the real-time topic of store
 * {@code a_v1}.
 *
 * <p>The store part is {@code [A-Za-z0-9][A-Za-z0-9._-]*} (the runtime allows no dot in a store
 * name; other Venice deployments do, so a dot is accepted here); N is a decimal int written as
 * Venice writes it: digits only, no sign, no leading zero, at most {@link Integer#MAX_VALUE}, so
 * {@link #topic()} gives back the parsed name exactly. Anything else ({@code __consumer_offsets},
 * {@code venice-admin-audit-log}, {@code x_v}, {@code _v1}, {@code x_v1a}, {@code x_v-1}, {@code
 * x_v01}, {@code x_v99999999999}) is not a Venice topic. Immutable.
 *
 * @param store the store the topic belongs to
 * @param kind which of the store's topics it is
 * @param version the version number for a {@link Kind#VERSION} topic (0 or more), else 0
 */
record VeniceTopicName(String store, Kind kind, int version) {
  /** Which of a store's topics a topic is. */
  enum Kind {
    /** {@code <store>_v<N>}: the data of one store version. */
    VERSION,
    /** {@code <store>_rt}: a hybrid store's real-time writes. */
    REAL_TIME,
    /** {@code <store>_dlq}: the dead-letter-queue plugin's topic of the store. */
    DEAD_LETTER
  }

  /** The suffix of a real-time topic. */
  static final String REAL_TIME_SUFFIX = "_rt";
  /** The suffix of a dead-letter topic. */
  static final String DEAD_LETTER_SUFFIX = "_dlq";
  /** What precedes a version topic's number. */
  static final String VERSION_SEPARATOR = "_v";
  private static final Pattern STORE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Pattern NUMBER = Pattern.compile("0|[1-9][0-9]{0,9}");

  /**
   * The Venice topic {@code topic} names, if it names one (see the class comment for the rules).
   * Never throws; {@code null} is no topic.
   */
  static Optional<VeniceTopicName> parse(String topic) {
    if (topic == null) {
      return Optional.empty();
    }
    if (topic.endsWith(REAL_TIME_SUFFIX)) {
      return of(topic.substring(0, topic.length() - REAL_TIME_SUFFIX.length()), Kind.REAL_TIME,
          0);
    }
    if (topic.endsWith(DEAD_LETTER_SUFFIX)) {
      return of(topic.substring(0, topic.length() - DEAD_LETTER_SUFFIX.length()),
          Kind.DEAD_LETTER, 0);
    }
    int at = topic.lastIndexOf(VERSION_SEPARATOR);
    if (at < 0) {
      return Optional.empty();
    }
    String number = topic.substring(at + VERSION_SEPARATOR.length());
    if (!NUMBER.matcher(number).matches()) {
      return Optional.empty();
    }
    long version = Long.parseLong(number);
    return version > Integer.MAX_VALUE ? Optional.empty()
        : of(topic.substring(0, at), Kind.VERSION, (int) version);
  }

  private static Optional<VeniceTopicName> of(String store, Kind kind, int version) {
    return STORE.matcher(store).matches() ? Optional.of(new VeniceTopicName(store, kind, version))
        : Optional.empty();
  }

  /** The topic's name, as {@link #parse} read it. */
  String topic() {
    return switch (kind) {
      case VERSION -> store + VERSION_SEPARATOR + version;
      case REAL_TIME -> store + REAL_TIME_SUFFIX;
      case DEAD_LETTER -> store + DEAD_LETTER_SUFFIX;
    };
  }
}
