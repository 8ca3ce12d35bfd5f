/**
 * The {@code dvc-memory-pressure} Da Vinci client plugin (seed project 12): watches the client's
 * RocksDB memory against a budget and shrinks the shared block cache under pressure, restoring it
 * once the pressure is gone; see the module's README.
 */
package dev.venice.plugins.dvcmemorypressure;
