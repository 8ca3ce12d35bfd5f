package dev.venice.runtime.controller;

import dev.venice.runtime.common.admin.AdminErrorType;
import dev.venice.runtime.common.admin.AdminHttpException;
import dev.venice.runtime.common.controller.SchemaDryRun.AffectedPush;
import dev.venice.runtime.common.controller.SchemaDryRun.Direction;
import dev.venice.runtime.common.controller.SchemaDryRun.Reason;
import dev.venice.runtime.common.controller.SchemaDryRun.VersionVerdict;
import dev.venice.runtime.common.controller.ValueSchema;
import dev.venice.runtime.common.meta.SchemaCompatibility;
import dev.venice.runtime.common.meta.Store;
import dev.venice.runtime.common.meta.Version;
import dev.venice.runtime.common.meta.VersionStatus;
import dev.venice.runtime.common.schema.SchemaVerdicts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * A candidate value schema checked against a store's registered value schemas: the one place that
 * decides whether a registration is compatible, used by the real registration (which refuses on
 * {@link #requireCompatible()}) and by its dry run (which reports {@link #verdicts()}), so the two
 * can never disagree. The verdicts are {@link SchemaVerdicts}' (Avro's own resolution rules, in
 * both directions); the store's {@link SchemaCompatibility} mode decides which of them refuse the
 * schema. Immutable; compute it under the store's lock.
 */
final class ValueSchemaCheck {
  private final String store;
  private final SchemaCompatibility mode;
  private final Schema candidate;
  private final List<ValueSchema> registered;
  private final Optional<Integer> identicalId;
  private final int nextId;
  private final List<VersionVerdict> verdicts;

  private ValueSchemaCheck(String store, SchemaCompatibility mode, Schema candidate,
      List<ValueSchema> registered, Optional<Integer> identicalId, int nextId,
      List<VersionVerdict> verdicts) {
    this.store = store;
    this.mode = mode;
    this.candidate = candidate;
    this.registered = registered;
    this.identicalId = identicalId;
    this.nextId = nextId;
    this.verdicts = verdicts;
  }

  /**
   * Checks {@code candidate} against {@code existing} (a store always has at least one value
   * schema, by increasing id).
   */
  static ValueSchemaCheck of(String store, SchemaCompatibility mode, List<ValueSchema> existing,
      Schema candidate) {
    String form = candidate.toString();
    Optional<Integer> identical = Optional.empty();
    List<VersionVerdict> verdicts = new ArrayList<>();
    for (ValueSchema earlier : existing) {
      Schema registered = new Schema.Parser().parse(earlier.schema());
      if (identical.isEmpty() && registered.toString().equals(form)) {
        identical = Optional.of(earlier.id());
      }
      verdicts.add(SchemaVerdicts.verdict(candidate, registered, earlier.id(), mode));
    }
    return new ValueSchemaCheck(store, mode, candidate, List.copyOf(existing), identical,
        existing.get(existing.size() - 1).id() + 1, List.copyOf(verdicts));
  }

  /** The schema checked. */
  Schema candidate() {
    return candidate;
  }

  /** The registered value schemas it was checked against, by increasing id. */
  List<ValueSchema> registered() {
    return registered;
  }

  /** The id of a registered schema with the same full JSON form (docs and aliases included). */
  Optional<Integer> identicalId() {
    return identicalId;
  }

  /** The id the candidate would get: an identical schema's, or one above the largest. */
  int schemaId() {
    return identicalId.orElse(nextId);
  }

  /** One verdict per registered schema, by increasing id. */
  List<VersionVerdict> verdicts() {
    return verdicts;
  }

  /**
   * Refuses a candidate the store's mode does not allow (an identical schema is never refused).
   *
   * @throws AdminHttpException 409 {@code INCOMPATIBLE_SCHEMA} naming the store, the mode and, for
   *     each violated schema id, the direction, location, Avro's reason and a fix
   */
  void requireCompatible() {
    if (identicalId.isPresent()) {
      return;
    }
    List<String> reasons = new ArrayList<>();
    for (VersionVerdict verdict : verdicts) {
      for (Reason reason : verdict.reasons()) {
        if (reason.enforced()) {
          reasons.add((reason.direction() == Direction.BACKWARD
              ? "new schema cannot read data written with value schema " + verdict.id()
              : "value schema " + verdict.id() + " cannot read data written with the new schema")
              + ": at " + reason.location() + ": " + reason.type() + " " + reason.avroMessage()
              + " (fix: " + reason.fix() + ")");
        }
      }
    }
    if (!reasons.isEmpty()) {
      throw new AdminHttpException(AdminErrorType.INCOMPATIBLE_SCHEMA, "value schema for store "
          + store + " is not " + mode + " compatible: " + String.join("; ", reasons));
    }
  }

  /**
   * The pushes in progress of {@code current} and how registering the candidate touches them. A
   * push job reads the store's value schemas before it starts and writes only with those, so it
   * never writes with the new id; but once registered, readers may read its values through the new
   * schema, which works only for the schema ids the candidate can read.
   */
  List<AffectedPush> affectedPushes(Store current) {
    List<AffectedPush> pushes = new ArrayList<>();
    for (Version version : current.versions()) {
      if (version.status() == VersionStatus.STARTED) {
        pushes.add(new AffectedPush(version.number(), version.createdAtMs(),
            impact(version)));
      }
    }
    return pushes;
  }

  private String impact(Version version) {
    String push = "the push of version " + version.number() + " (started "
        + Instant.ofEpochMilli(version.createdAtMs()) + ")";
    if (identicalId.isPresent()) {
      return "none: " + push + " may already write with value schema " + identicalId.get()
          + ", which the candidate is identical to";
    }
    List<Integer> unreadable = verdicts.stream().filter(v -> !v.newReadsOld())
        .map(VersionVerdict::id).toList();
    List<Integer> ids = verdicts.stream().map(VersionVerdict::id).toList();
    String writes = push + " writes with the value schemas registered when it started (of ids "
        + ids + "), never with the new id " + nextId;
    return unreadable.isEmpty()
        ? writes + "; readers that switch to schema " + nextId + " can read all its values"
        : writes + "; readers that switch to schema " + nextId + " cannot read its values written"
            + " with value schema ids " + unreadable + " (see their reasons)";
  }
}
