/** {@code venice cluster start|stop|status} and {@code venice quickstart}: local clusters. */
package dev.venice.cli.cluster;
