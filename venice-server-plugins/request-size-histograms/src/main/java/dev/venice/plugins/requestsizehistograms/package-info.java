/**
 * The {@code request-size-histograms} server plugin: per store and request type, the distributions
 * of a read call's key count, its response bytes and the value bytes per key, estimated from the
 * value sizes the server returns without serializing a response, sampled per store and with a
 * guard on how many stores get series of their own. See the module's README.
 */
package dev.venice.plugins.requestsizehistograms;
