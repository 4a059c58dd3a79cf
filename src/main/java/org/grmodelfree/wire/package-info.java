/**
 * Wire codecs: what the JVM blocks put on ZeroMQ sockets and read back.
 *
 * <p>Three formats, kept apart (docs/architecture.md, "Wire formats"): raw little-endian complex64 samples with an
 * optional gr-zeromq tag header ({@link org.grmodelfree.wire.Complex64Codec},
 * {@link org.grmodelfree.wire.StreamTagHeader}); GNU Radio's PMT serialisation for its message
 * ports ({@link org.grmodelfree.wire.PmtCodec}); msgpack maps between the project's own blocks
 * ({@link org.grmodelfree.wire.ControlCodec}): hello, phase, losses, the samples the policy
 * sampler sent for a batch ({@link org.grmodelfree.wire.ControlMessage.Sent}), a batch lost on
 * the way ({@link org.grmodelfree.wire.ControlMessage.Lost}), and stop; the same messages as
 * native GNU Radio PDUs, a metadata dict and an f32vector (losses) or c32vector (sent samples)
 * ({@link org.grmodelfree.wire.ControlPdu}), where they cross a flowgraph. All decoders reject
 * bad input with {@link org.grmodelfree.wire.WireFormatException} and nothing else. Codecs are
 * stateless and know nothing about sockets; this package depends on no other
 * {@code org.grmodelfree} package.
 *
 * <p>Transport over JeroMQ, one class per link, each taking its {@code ZContext} from the
 * caller: {@link org.grmodelfree.wire.StreamOut} and {@link org.grmodelfree.wire.StreamIn}
 * (gr-zeromq push_sink and pull_source roles, for items of any size: complex64 samples, bytes),
 * {@link org.grmodelfree.wire.ControlLink} (msgpack between JVM blocks, or PDUs to and from GNU
 * Radio message ports, {@link org.grmodelfree.wire.ControlPdu}). Addresses go through
 * {@link org.grmodelfree.wire.Endpoints}; a peer that does not answer in time raises
 * {@link org.grmodelfree.wire.PeerTimeoutException}. A runner serving several inputs from one
 * thread waits on all of them with one {@link org.grmodelfree.wire.InputPoller}, then takes
 * what arrived with the inputs' non-blocking {@code poll} methods, which return 0 or null
 * rather than throw when nothing has.
 *
 * <p>Security (docs/security.md): a {@link org.grmodelfree.wire.ControlLink} between JVM blocks
 * can run over CURVE ({@link org.grmodelfree.wire.Curve}): key pairs in czmq's certificate files
 * ({@link org.grmodelfree.wire.CurveKeys}), the clients a bound end admits decided by a context's
 * ZAP handler ({@link org.grmodelfree.wire.CurveAuth}), and a connecting end whose handshake
 * failed reporting it ({@link org.grmodelfree.wire.CurveHandshakeException}). Stream links and
 * PDU links stay plain, as GNU Radio's ZeroMQ blocks are. Every receiving socket has JeroMQ refuse
 * frames over its limit before buffering them.
 */
package org.grmodelfree.wire;
