/**
 * Wire codecs: what the JVM blocks put on ZeroMQ sockets and read back.
 *
 * <p>Three formats, kept apart (STYLE.md point 8): raw little-endian complex64 samples with an
 * optional gr-zeromq tag header ({@link org.grmodelfree.wire.Complex64Codec},
 * {@link org.grmodelfree.wire.StreamTagHeader}); GNU Radio's PMT serialisation for its message
 * ports ({@link org.grmodelfree.wire.PmtCodec}); msgpack maps between the project's own blocks
 * ({@link org.grmodelfree.wire.ControlCodec}). All decoders reject bad input with
 * {@link org.grmodelfree.wire.WireFormatException} and nothing else. Codecs are stateless and
 * know nothing about sockets; this package depends on no other {@code org.grmodelfree} package.
 */
package org.grmodelfree.wire;
