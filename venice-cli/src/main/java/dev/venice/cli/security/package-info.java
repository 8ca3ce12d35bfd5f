/**
 * {@code venice acl grant|revoke|list}: the access control lists of the acl-authorizer plugin,
 * through its endpoint on the leader controller ({@code /plugins/acl-authorizer/acls}); the CLI
 * carries no plugin class.
 */
package dev.venice.cli.security;
