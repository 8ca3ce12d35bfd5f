/**
 * Documentation generated from the schema registry: {@link dev.venice.cli.docs.SchemaDocs}, a
 * store's value schemas as a Markdown page ({@code venice generate-schema-docs}).
 */
package dev.venice.cli.docs;
