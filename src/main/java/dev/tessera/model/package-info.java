/**
 * The network: VGG16 feature stack with weight loading, the decoder, losses.
 * May import: image, ops, LibTorch.
 */
package dev.tessera.model;
