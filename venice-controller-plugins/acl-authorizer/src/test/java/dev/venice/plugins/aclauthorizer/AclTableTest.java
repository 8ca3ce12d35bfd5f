package dev.venice.plugins.aclauthorizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.plugins.aclauthorizer.AclCodec.UnreadableAclsException;
import dev.venice.plugins.aclauthorizer.AclEntry.InvalidAclException;
import dev.venice.spi.security.AccessLevel;
import dev.venice.spi.security.AccessRequest;
import dev.venice.spi.security.Principal;
import dev.venice.spi.security.Resource;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The core: the decision rules of {@link AclTable#allows}, one entry per subject and resource,
 * changes (a deleted store's grants removed at once included), the deny reason, and {@link AclCodec}'s round trip, order and refusals.
 */
class AclTableTest {
  private static final Principal ALICE = Principal.authenticated("alice", Set.of("readers"));
  private static final Principal BOB = Principal.authenticated("bob", Set.of());

  private static AclEntry entry(String subject, String resource, String access) {
    return AclEntry.parse(subject, resource, access);
  }

  @Test
  void aUserGrantOnAStoreImpliesTheLowerLevelsOnThatStoreOnly() {
    AclTable table = AclTable.of(List.of(entry("user:alice", "store:a", "write")));
    Resource a = Resource.store("a");
    assertTrue(table.allows(ALICE, AccessLevel.READ, a));
    assertTrue(table.allows(ALICE, AccessLevel.WRITE, a));
    assertFalse(table.allows(ALICE, AccessLevel.ADMIN, a));
    assertFalse(table.allows(ALICE, AccessLevel.READ, Resource.store("b")));
    assertFalse(table.allows(BOB, AccessLevel.READ, a));
    assertFalse(table.allows(ALICE, AccessLevel.READ, Resource.cluster("venice")),
        "a store grant says nothing of the cluster");
  }

  @Test
  void groupGrantsApplyToTheirMembersAndClusterGrantsToEveryStore() {
    AclTable table = AclTable.of(List.of(entry("group:readers", "store:b", "READ"),
        entry("user:bob", "cluster", "ADMIN")));
    assertTrue(table.allows(ALICE, AccessLevel.READ, Resource.store("b")));
    assertFalse(table.allows(ALICE, AccessLevel.WRITE, Resource.store("b")));
    assertFalse(table.allows(Principal.authenticated("carol", Set.of("writers")),
        AccessLevel.READ, Resource.store("b")));
    assertTrue(table.allows(BOB, AccessLevel.ADMIN, Resource.store("anything")));
    assertTrue(table.allows(BOB, AccessLevel.ADMIN, Resource.cluster("venice")));
  }

  @Test
  void clusterRequestsConsiderClusterGrantsOnly() {
    AclTable table = AclTable.of(List.of(entry("user:alice", "store:cluster", "ADMIN"),
        entry("group:readers", "cluster", "READ")));
    assertFalse(table.allows(ALICE, AccessLevel.ADMIN, Resource.cluster("cluster")));
    assertTrue(table.allows(ALICE, AccessLevel.READ, Resource.cluster("venice")));
    assertFalse(table.allows(ALICE, AccessLevel.WRITE, Resource.cluster("venice")));
  }

  @Test
  void anonymousIsDeniedUnlessGrantedByName() {
    assertFalse(AclTable.EMPTY.allows(Principal.ANONYMOUS, AccessLevel.READ,
        Resource.store("a")));
    AclTable table = AclTable.of(List.of(entry("user:anonymous", "store:public", "READ")));
    assertTrue(table.allows(Principal.ANONYMOUS, AccessLevel.READ, Resource.store("public")));
    assertFalse(table.allows(Principal.ANONYMOUS, AccessLevel.READ, Resource.store("a")));
  }

  @Test
  void oneEntryPerSubjectAndResourceTheLaterWinning() {
    AclTable table = AclTable.of(List.of(entry("user:alice", "store:a", "ADMIN"),
        entry("user:alice", "store:a", "READ")));
    assertEquals(1, table.size());
    assertFalse(table.allows(ALICE, AccessLevel.WRITE, Resource.store("a")), "downgraded");
    AclTable upgraded = table.with(entry("user:alice", "store:a", "WRITE"));
    assertEquals(1, upgraded.size());
    assertEquals(AccessLevel.WRITE, upgraded.find("user:alice", "store:a").orElseThrow()
        .access());
    assertEquals(AccessLevel.READ, table.find("user:alice", "store:a").orElseThrow().access(),
        "tables are immutable");
    AclTable revoked = upgraded.without("user:alice", "store:a");
    assertEquals(0, revoked.size());
    assertFalse(revoked.allows(ALICE, AccessLevel.READ, Resource.store("a")));
    assertSame(revoked, revoked.without("user:alice", "store:a"));
  }

  @Test
  void withoutResourceRemovesEveryGrantOnThatResourceOnly() {
    AclTable table = AclTable.of(List.of(entry("user:alice", "store:a", "READ"),
        entry("group:readers", "store:a", "ADMIN"), entry("user:alice", "store:ab", "READ"),
        entry("user:bob", "cluster", "READ")));
    AclTable without = table.withoutResource("store:a");
    assertEquals(List.of(entry("user:bob", "cluster", "READ"),
        entry("user:alice", "store:ab", "READ")), without.entries());
    assertFalse(without.allows(ALICE, AccessLevel.READ, Resource.store("a")));
    assertTrue(without.allows(ALICE, AccessLevel.READ, Resource.store("ab")));
    assertEquals(4, table.size(), "tables are immutable");
    assertSame(without, without.withoutResource("store:a"));
  }

  @Test
  void theDenyReasonNamesTheMissingGrantTheUserAndItsGroups() {
    assertEquals("no READ grant on store b for user:alice or groups [readers]",
        AclStoreAuthorizer.reason(new AccessRequest(ALICE, "get", AccessLevel.READ,
            Resource.store("b"))));
    assertEquals("no ADMIN grant on cluster for user:bob",
        AclStoreAuthorizer.reason(new AccessRequest(BOB, "POST /stores", AccessLevel.ADMIN,
            Resource.cluster("venice"))));
    assertEquals("no WRITE grant on store b for user:carol or groups [a, z]",
        AclStoreAuthorizer.reason(new AccessRequest(Principal.authenticated("carol",
            Set.of("z", "a")), "push", AccessLevel.WRITE, Resource.store("b"))));
  }

  @Test
  void theCodecRoundTripsInResourceThenSubjectOrder() {
    AclTable table = AclTable.of(List.of(entry("user:zed", "store:a", "read"),
        entry("group:ops", "cluster", "admin"), entry("user:alice", "store:a", "write")));
    String json = new String(AclCodec.encode(table), StandardCharsets.UTF_8);
    assertEquals("{\"format\":1,\"entries\":["
        + "{\"subject\":\"group:ops\",\"resource\":\"cluster\",\"access\":\"ADMIN\"},"
        + "{\"subject\":\"user:alice\",\"resource\":\"store:a\",\"access\":\"WRITE\"},"
        + "{\"subject\":\"user:zed\",\"resource\":\"store:a\",\"access\":\"READ\"}]}", json);
    assertEquals(table, AclCodec.decode(json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void theCodecRefusesOtherFormatsAndNamesAnInvalidEntrysField() {
    assertTrue(decodeFailure("not json").contains("not JSON"));
    assertTrue(decodeFailure("{\"format\":2,\"entries\":[]}").contains("format 2, not 1"));
    assertTrue(decodeFailure("{\"format\":1}").contains("no \"entries\""));
    String bad = decodeFailure("{\"format\":1,\"entries\":[{\"subject\":\"user:a\","
        + "\"resource\":\"store:a\",\"access\":\"READ\"},{\"subject\":\"role:x\","
        + "\"resource\":\"store:a\",\"access\":\"READ\"}]}");
    assertTrue(bad.contains("entry 1 is invalid (subject)"), bad);
  }

  private static String decodeFailure(String data) {
    return assertThrows(UnreadableAclsException.class,
        () -> AclCodec.decode(data.getBytes(StandardCharsets.UTF_8))).getMessage();
  }

  @Test
  void entriesRefuseBadSubjectsResourcesAndAccessNamingTheField() {
    assertField("subject", () -> entry(null, "cluster", "READ"));
    assertField("subject", () -> entry("role:x", "cluster", "READ"));
    assertField("subject", () -> entry("user:", "cluster", "READ"));
    assertField("subject", () -> entry("user: alice", "cluster", "READ"));
    assertField("subject", () -> entry("group:a\nb", "cluster", "READ"));
    assertField("resource", () -> entry("user:a", null, "READ"));
    assertField("resource", () -> entry("user:a", "table:x", "READ"));
    assertField("resource", () -> entry("user:a", "store:a/b", "READ"));
    assertField("resource", () -> entry("user:a", "store:", "READ"));
    assertField("access", () -> entry("user:a", "cluster", null));
    assertField("access", () -> entry("user:a", "cluster", "owner"));
    AclEntry dn = entry("user:CN=alice,OU=readers,O=Example", "store:a-b_1", " Read ");
    assertEquals(AccessLevel.READ, dn.access());
  }

  private static void assertField(String field, Runnable parse) {
    InvalidAclException e = assertThrows(InvalidAclException.class, parse::run);
    assertEquals(field, e.field(), e.getMessage());
  }
}
