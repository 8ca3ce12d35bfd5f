package dev.venice.plugins.topicretention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.plugins.topicretention.VeniceTopicName.Kind;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The topic-name parser's corners: suffixes read from the end, what is not a Venice topic. */
class VeniceTopicNameTest {
  private static void assertParsed(String topic, String store, Kind kind, int version) {
    Optional<VeniceTopicName> parsed = VeniceTopicName.parse(topic);
    assertEquals(Optional.of(new VeniceTopicName(store, kind, version)), parsed, topic);
    assertEquals(topic, parsed.get().topic(), "the name is given back exactly");
  }

  @Test
  void versionRealTimeAndDeadLetterTopics() {
    assertParsed("users_v3", "users", Kind.VERSION, 3);
    assertParsed("users_rt", "users", Kind.REAL_TIME, 0);
    assertParsed("users_dlq", "users", Kind.DEAD_LETTER, 0);
    assertParsed("users_v0", "users", Kind.VERSION, 0);
    assertParsed("users_v2147483647", "users", Kind.VERSION, Integer.MAX_VALUE);
  }

  @Test
  void storeNamesEndingInASuffixAreReadFromTheEnd() {
    assertParsed("a_rt_v2", "a_rt", Kind.VERSION, 2);
    assertParsed("a_v1_rt", "a_v1", Kind.REAL_TIME, 0);
    assertParsed("a_v3_v4", "a_v3", Kind.VERSION, 4);
    assertParsed("a_dlq_rt", "a_dlq", Kind.REAL_TIME, 0);
    assertParsed("a_rt_dlq", "a_rt", Kind.DEAD_LETTER, 0);
    assertParsed("a_dlq_v7", "a_dlq", Kind.VERSION, 7);
    assertParsed("a_rt_rt", "a_rt", Kind.REAL_TIME, 0);
  }

  @Test
  void storeNamesWithDigitsDotsDashesAndUnderscores() {
    assertParsed("web-users_v2-eu_v12", "web-users_v2-eu", Kind.VERSION, 12);
    assertParsed("web-users.v2_eu_rt", "web-users.v2_eu", Kind.REAL_TIME, 0);
    assertParsed("2024_clicks_v1", "2024_clicks", Kind.VERSION, 1);
    assertParsed("a.b-c_d9_dlq", "a.b-c_d9", Kind.DEAD_LETTER, 0);
    assertParsed("x_v_v5", "x_v", Kind.VERSION, 5);
    assertParsed("A_v1", "A", Kind.VERSION, 1);
  }

  @Test
  void otherTopicsAreNotVenices() {
    for (String topic : List.of("__consumer_offsets", "__cluster_metadata",
        "venice-admin-audit-log", "x_v", "_v1", "x_v1a", "x_v-1", "x_v+1", "x_v01", "x_v 1",
        "x_v99999999999", "x_v2147483648", "_rt", "_dlq", "-a_v1", ".a_rt", "a b_v1", "a/b_rt",
        "a_V1", "a_RT", "a_rt ", "", "rt", "v1", "users")) {
      assertTrue(VeniceTopicName.parse(topic).isEmpty(), "'" + topic + "' is not a Venice topic");
    }
    assertTrue(VeniceTopicName.parse(null).isEmpty());
  }
}
