/**
 * The {@code data-freshness} server plugin: per hybrid store, the age of the newest data this
 * server ingested ({@code data_age_ms} = now − the newest producer timestamp seen in the last
 * window), fed by an ingestion hook, computed by a background sampler and served at {@code
 * /plugins/data-freshness/data-age}. See the module's README.
 */
package dev.venice.plugins.datafreshness;
