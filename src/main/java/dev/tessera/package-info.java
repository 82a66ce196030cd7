/**
 * Tessera: photomosaics from templates. The root holds only the version; each room of the house is a
 * sub-package (cli imports the rest; nothing imports cli).
 */
package dev.tessera;
