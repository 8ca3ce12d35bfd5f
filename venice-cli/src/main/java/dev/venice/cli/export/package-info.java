/**
 * Exporting a store's records to files: {@link dev.venice.cli.export.ParquetStoreWriter} writes
 * key/value rows to a local Parquet file for {@code venice export-store}.
 */
package dev.venice.cli.export;
