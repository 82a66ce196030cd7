/**
 * Hand-written native ops (tempered-softmax template mix, separable Gaussian blur) behind a Java facade,
 * with their LibTorch composite references. The only package that talks to libtessera (through NativeOps).
 */
package dev.tessera.ops;
