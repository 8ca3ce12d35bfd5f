package dev.venice.runtime.common.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one set of tag keys per meter name: the first registration of a name fixes its tag keys,
 * and a later one with other keys is denied and logged (once per name and key set). Prometheus's
 * data model wants one label set per metric family, and dashboards and alerts written for one set
 * silently miss series of another; since Micrometer 1.17 the Prometheus registry no longer refuses
 * such meters itself (micrometer#877), so this filter keeps the rule. Denied registrations are
 * counted in {@link #denied()}. Thread-safe.
 */
final class OneTagKeySet implements MeterFilter {
  private static final Logger LOG = LoggerFactory.getLogger(OneTagKeySet.class);

  private final Map<String, Set<String>> keysByName = new ConcurrentHashMap<>();
  private final Set<String> reported = ConcurrentHashMap.newKeySet();
  private final AtomicLong denied = new AtomicLong();

  @Override
  public MeterFilterReply accept(Meter.Id id) {
    Set<String> keys = keys(id.getTags());
    Set<String> first = keysByName.putIfAbsent(id.getName(), keys);
    if (first == null || first.equals(keys)) {
      return MeterFilterReply.NEUTRAL;
    }
    denied.incrementAndGet();
    if (reported.add(id.getName() + keys)) {
      LOG.error("meter {} not registered: its tag keys {} differ from {}, the keys it was first"
          + " registered with; one meter name keeps one set of tag keys", id.getName(), keys,
          first);
    }
    return MeterFilterReply.DENY;
  }

  /** How many registrations were denied so far. */
  long denied() {
    return denied.get();
  }

  private static Set<String> keys(List<Tag> tags) {
    return tags.stream().map(Tag::getKey).collect(Collectors.toUnmodifiableSet());
  }
}
