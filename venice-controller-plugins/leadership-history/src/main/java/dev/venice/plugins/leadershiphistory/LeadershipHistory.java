package dev.venice.plugins.leadershiphistory;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.controller.PluginStateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The leadership history: a ring buffer of the newest events, kept as one ZooKeeper node (a JSON
 * array, about 150 bytes per event: 100 events take ~15 KB, the 1,000 allowed at most ~150 KB, well
 * under ZooKeeper's 1 MB) and rewritten with a conditional write on its version, so two controllers
 * recording at once lose nothing.
 *
 * <p>Order is ZooKeeper's: events sort by their term's transaction id, a gain before the loss of
 * the same term, never by a host's clock. A repeated event (the same type, controller and term) is
 * kept once. A term followed by a later term with no loss recorded in between (its controller
 * crashed or lost its session, so it could not record its loss), whichever of the two gains was
 * written first, gets an inferred loss, timed by ZooKeeper: it ended when the next term's znode
 * was created. A late real loss for a term already closed that way is dropped. Thread-safe
 * (stateless between calls).
 */
final class LeadershipHistory {
  /** The node of the ring buffer, relative to the plugin's state root. */
  static final String NODE = "events";
  private static final ObjectMapper JSON = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final TypeReference<List<LeadershipEvent>> EVENTS = new TypeReference<>() {};
  private static final Comparator<LeadershipEvent> ZOOKEEPER_ORDER = Comparator
      .comparingLong(LeadershipEvent::termZxid).thenComparing(e -> e.acquired() ? 0 : 1);

  private final PluginStateStore store;
  private final int maxEvents;

  LeadershipHistory(PluginStateStore store, int maxEvents) {
    this.store = store;
    this.maxEvents = maxEvents;
  }

  /**
   * Adds {@code event} (and an inferred loss before a gain, see above) with ZooKeeper's
   * read-modify-write; retried on a conflict.
   *
   * @throws IllegalStateException when ZooKeeper reports a failure
   */
  void record(LeadershipEvent event) {
    store.update(NODE, current -> encode(with(current.map(e -> decode(e.data()))
        .orElse(List.of()), event, maxEvents)));
  }

  /** The events, oldest first (empty when none was recorded). */
  List<LeadershipEvent> events() {
    return store.read(NODE).map(e -> decode(e.data())).orElse(List.of());
  }

  /** {@code events} with {@code event} added by the rules above, the newest {@code max} kept. */
  static List<LeadershipEvent> with(List<LeadershipEvent> events, LeadershipEvent event,
      int max) {
    if (events.stream().anyMatch(event::sameAs)) {
      return events;
    }
    if (!event.acquired() && events.stream().anyMatch(e -> !e.acquired()
        && e.termZxid() == event.termZxid())) {
      return events; // its successor already recorded this term's end
    }
    List<LeadershipEvent> sorted = new ArrayList<>(events);
    sorted.add(event);
    sorted.sort(ZOOKEEPER_ORDER);
    List<LeadershipEvent> next = new ArrayList<>(sorted.size() + 1);
    for (int i = 0; i < sorted.size(); i++) {
      LeadershipEvent e = sorted.get(i);
      next.add(e);
      LeadershipEvent following = i + 1 < sorted.size() ? sorted.get(i + 1) : null;
      if (e.acquired() && following != null && following.acquired()) {
        // a term followed by another with no loss between: it ended when the next one began
        next.add(new LeadershipEvent(LeadershipEvent.LOST, e.instanceId(), e.termZxid(),
            e.termStartMs(), following.termStartMs(),
            following.termStartMs() - e.termStartMs(), true));
      }
    }
    return next.size() <= max ? next : List.copyOf(next.subList(next.size() - max, next.size()));
  }

  static byte[] encode(List<LeadershipEvent> events) {
    try {
      return JSON.writeValueAsBytes(events);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<LeadershipEvent> decode(byte[] data) {
    if (data.length == 0) {
      return List.of();
    }
    try {
      return JSON.readValue(data, EVENTS);
    } catch (IOException e) {
      throw new IllegalStateException("leadership history in ZooKeeper is not a JSON list of"
          + " events: " + e.getMessage(), e);
    }
  }
}
