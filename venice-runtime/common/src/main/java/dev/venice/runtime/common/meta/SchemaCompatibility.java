package dev.venice.runtime.common.meta;

/** Which value-schema changes a store accepts, checked against every earlier value schema. */
public enum SchemaCompatibility {
  /** New readers read old data and old readers read new data (the default). */
  FULL,
  /** New readers read old data. */
  BACKWARD,
  /** Old readers read new data. */
  FORWARD,
  /** Any valid schema is accepted. */
  NONE
}
