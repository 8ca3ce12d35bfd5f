package dev.venice.runtime.common.controller;

import dev.venice.runtime.common.meta.SchemaCompatibility;
import java.util.List;

/**
 * What registering a value schema would do, answered by {@code POST
 * /stores/{store}/schemas?dryRun=true} (seed project 35) without writing anything. The controller
 * computes it with the same checks the real registration runs, so the two never disagree.
 *
 * @param store the store
 * @param accepted whether the real registration (without {@code dryRun}) would succeed now: the
 *     schema is identical to a registered one, or it passes the store's {@code
 *     schemaCompatibility} against every value schema and no plugin's admin-mutation hook vetoes it
 * @param refusal why the real registration would be refused (the status, error type and message it
 *     would answer), or {@code null} when {@code accepted}
 * @param schemaCompatibility the store's mode, which decides which directions count
 * @param identicalToId the id of a registered schema identical to the candidate (full JSON form,
 *     docs and aliases included), or {@code null}
 * @param schemaId the id the candidate would have: {@code identicalToId}, or the next id
 * @param versions one verdict per registered value schema, by increasing id
 * @param inFlightPushes the pushes in progress (versions STARTED) and how the new schema would
 *     touch them
 */
public record SchemaDryRun(
    String store,
    boolean accepted,
    Refusal refusal,
    SchemaCompatibility schemaCompatibility,
    Integer identicalToId,
    int schemaId,
    List<VersionVerdict> versions,
    List<AffectedPush> inFlightPushes) {

  /** Which way data flows between the candidate and a registered schema. */
  public enum Direction {
    /** The candidate (reader) reads data written with the registered schema (writer). */
    BACKWARD,
    /** The registered schema (reader) reads data written with the candidate (writer). */
    FORWARD
  }

  /**
   * The answer the real registration would give instead of an id.
   *
   * @param status the HTTP status (409 incompatible, 403 vetoed by a plugin, ...)
   * @param errorType the admin API's error type, e.g. {@code INCOMPATIBLE_SCHEMA}, {@code VETOED}
   * @param error the message, naming the store and the reason
   */
  public record Refusal(int status, String errorType, String error) {}

  /**
   * The candidate against one registered value schema.
   *
   * @param id the registered schema's id
   * @param compatible whether every direction the store's mode requires holds (always true under
   *     {@code NONE})
   * @param newReadsOld whether the candidate can read data written with schema {@code id}
   * @param oldReadsNew whether schema {@code id} can read data written with the candidate
   * @param reasons every incompatibility in either direction (also those the mode does not
   *     require, so an operator sees what a {@code NONE} store would break)
   */
  public record VersionVerdict(int id, boolean compatible, boolean newReadsOld,
      boolean oldReadsNew, List<Reason> reasons) {}

  /**
   * One incompatibility, as Avro's {@code SchemaCompatibility} reports it, in plain words.
   *
   * @param direction which way the read fails
   * @param enforced whether the store's mode requires this direction (it refuses the schema)
   * @param field the dotted path of the field at fault in the reading schema ({@code
   *     address.zip}), or {@code ""} for the top-level schema
   * @param location Avro's JSON pointer into the reading schema, e.g. {@code /fields/2/type}
   * @param type Avro's incompatibility type, e.g. {@code READER_FIELD_MISSING_DEFAULT_VALUE}
   * @param message what breaks, for a person, naming the field and the schema ids
   * @param avroMessage Avro's own message
   * @param fix what change to the new schema would make the read work, for a person
   */
  public record Reason(Direction direction, boolean enforced, String field, String location,
      String type, String message, String avroMessage, String fix) {}

  /**
   * A push in flight when the schema would be registered.
   *
   * @param version the version being pushed
   * @param startedAtMs when its push started (epoch milliseconds)
   * @param impact how the new schema touches it, in plain words
   */
  public record AffectedPush(int version, long startedAtMs, String impact) {}
}
