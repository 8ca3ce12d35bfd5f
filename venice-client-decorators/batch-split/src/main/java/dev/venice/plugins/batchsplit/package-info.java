/**
 * The {@code batch-split} client decorator: a batch get over {@code max-keys-per-sub-batch} keys is
 * split into parallel sub-batches whose answers merge into one map; the first failure fails the
 * call and cancels the rest. {@link dev.venice.plugins.batchsplit.SplittingBatchGetStoreClient} is
 * also usable by hand. See the module's README.
 */
package dev.venice.plugins.batchsplit;
