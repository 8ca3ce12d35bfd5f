/** {@code venice store}, {@code schema}, {@code push}, {@code get} and {@code batch-get}. */
package dev.venice.cli.store;
