/**
 * The tessera command line: one picocli command class per subcommand.
 * May import everything; nothing imports it.
 */
package dev.tessera.cli;
