package org.grmodelfree.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.ejml.data.FMatrixRMaj;
import org.grmodelfree.block.BatchFraming;
import org.grmodelfree.block.BlockParams;
import org.grmodelfree.block.BlockRunner;
import org.grmodelfree.block.LocalGraph;
import org.grmodelfree.block.Params;
import org.grmodelfree.block.ReceiverBlock;
import org.grmodelfree.block.TrainingParams;
import org.grmodelfree.block.TransmitterBlock;
import org.grmodelfree.comm.AwgnChannel;
import org.grmodelfree.comm.Rng;
import org.grmodelfree.launch.Blocks;
import org.grmodelfree.nn.Parallel;
import org.grmodelfree.train.TrainConfig;
import org.grmodelfree.wire.StreamIn;
import org.grmodelfree.wire.StreamOut;
import org.zeromq.ZContext;

/**
 * Streaming (inference) throughput of the transmitter and receiver blocks over loopback TCP: each
 * block runs under its {@link BlockRunner} in a thread of this JVM, exactly as in its own process,
 * and a peer on the other end of its ZeroMQ stream port counts the samples (for the transmitter)
 * or feeds frames as fast as the block takes them (for the receiver). Backpressure makes the
 * peer's rate the block's rate.
 */
public final class StreamBench {

    /** Samples moved in a timed window, and the block's counters after it stopped. */
    public record Result(long samples, double seconds, Map<String, Object> stats) {
        public double msamplesPerSecond() {
            return samples / seconds / 1e6;
        }
    }

    /**
     * How long the bench's end of the stream waits for the block: generous, as a block starting on
     * a loaded machine can take many seconds before it reads or writes its first samples.
     */
    private static final int PEER_WAIT_MS = 60_000;

    private StreamBench() {
    }

    private static String freeAddress() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "tcp://127.0.0.1:" + s.getLocalPort();
        }
    }

    private static Thread start(BlockRunner runner, List<Throwable> failure) {
        Thread t = new Thread(() -> {
            try {
                runner.run();
            } catch (Throwable e) {
                failure.add(e);
            }
        }, "bench-block");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The transmitter (stream mode, the model's codebook) sending to a counting pull socket. */
    public static Result transmitter(Path model, TrainConfig c, double warmupSeconds, double seconds)
            throws Exception {
        String address = freeAddress();
        List<String> a = new ArrayList<>(TrainingParams.arguments(TransmitterBlock.SPEC, c));
        a.addAll(List.of(BlockParams.MODE.flag(), BlockParams.Mode.STREAM.id(), BlockParams.MODEL.flag(),
                model.toString(), TransmitterBlock.OUT.flag(), address, BlockParams.PEER_TIMEOUT.flag(),
                String.valueOf(PEER_WAIT_MS / 1000)));
        Params p = TransmitterBlock.SPEC.parse(a);
        BlockRunner runner = new BlockRunner(new TransmitterBlock(p), p, line -> { });
        List<Throwable> failure = new ArrayList<>();
        Thread t = start(runner, failure);
        float[] buf = new float[2 * 8192];
        try (ZContext ctx = new ZContext(); StreamIn in = StreamIn.connect(ctx, address, false)) {
            return timed(() -> in.receive(buf, 0, 8192, PEER_WAIT_MS), runner, t, failure, warmupSeconds, seconds);
        }
    }

    /**
     * The receiver (stream mode) fed with the transmitter's frames, with AWGN at the model's training
     * SNR added (so the neural receiver decides noisy blocks, as in use), as fast as it takes them.
     */
    public static Result receiver(Path model, TrainConfig c, String decoder, int decoderThreads,
                                  double warmupSeconds, double seconds) throws Exception {
        // frames from the transmitter block itself, without the stream's lead-in
        List<String> tx = new ArrayList<>(TrainingParams.arguments(TransmitterBlock.SPEC, c));
        tx.addAll(List.of(BlockParams.MODE.flag(), BlockParams.Mode.STREAM.id(), BlockParams.MODEL.flag(),
                model.toString(), BlockParams.FRAMES.flag(), "8"));
        TransmitterBlock txb = new TransmitterBlock(TransmitterBlock.SPEC.parse(tx));
        LocalGraph g = new LocalGraph().add("tx", txb);
        g.run("tx");
        float[] all = g.samples("tx", TransmitterBlock.OUT);
        int leadIn = BatchFraming.format(c).leadIn();
        int frameLength = BatchFraming.format(c).frameLength();
        int items = 8 * frameLength;
        float[] frames = java.util.Arrays.copyOfRange(all, 2 * leadIn, 2 * (leadIn + items));
        FMatrixRMaj clean = FMatrixRMaj.wrap(items, 2, frames);
        FMatrixRMaj noisy = new FMatrixRMaj(items, 2);
        new AwgnChannel(c.snrDb()).apply(clean, noisy, new Rng(c.seed() ^ 0x5EED_BE7CL));
        System.arraycopy(noisy.data, 0, frames, 0, frames.length);

        String address = freeAddress();
        List<String> a = new ArrayList<>(TrainingParams.arguments(ReceiverBlock.SPEC, c));
        a.addAll(List.of(BlockParams.MODE.flag(), BlockParams.Mode.STREAM.id(), BlockParams.MODEL.flag(),
                model.toString(), ReceiverBlock.DECODER.flag(), decoder, ReceiverBlock.DECODER_THREADS.flag(),
                Integer.toString(decoderThreads), ReceiverBlock.IN.flag(), address, BlockParams.PEER_TIMEOUT.flag(),
                String.valueOf(PEER_WAIT_MS / 1000)));
        Params p = ReceiverBlock.SPEC.parse(a);
        ReceiverBlock rx = new ReceiverBlock(p);
        BlockRunner runner = new BlockRunner(rx, p, line -> { });
        int spins = Parallel.spins(ReceiverBlock.PROCESS_SPINS); // as the receiver's own process runs
        try (ZContext ctx = new ZContext(); StreamOut out = new StreamOut(ctx, address, true, false,
                StreamIn.COMPLEX64, StreamOut.DEFAULT_MAX_ITEMS_PER_MESSAGE, PEER_WAIT_MS)) {
            List<Throwable> failure = new ArrayList<>();
            Thread t = start(runner, failure);
            Result r = timed(() -> {
                out.send(frames, 0, items);
                return items;
            }, runner, t, failure, warmupSeconds, seconds);
            return new Result(r.samples(), r.seconds(), rx.stats());
        } finally {
            Parallel.spins(spins);
        }
    }

    /**
     * Repeats step (which moves some samples and returns how many) through a warm-up, then counts
     * the samples of a timed window; then stops the block and rethrows its failure, if any.
     */
    private static Result timed(LongSupplier step, BlockRunner runner, Thread blockThread, List<Throwable> failure,
                                double warmupSeconds, double seconds) throws Exception {
        long warm = System.nanoTime() + (long) (warmupSeconds * 1e9);
        long t0 = 0;
        long count = 0;
        while (true) {
            try {
                count += step.getAsLong();
            } catch (RuntimeException e) {
                // the peer timing out usually means the block failed: report the block's failure
                blockThread.join(1000);
                if (!failure.isEmpty()) {
                    failure.get(0).addSuppressed(e);
                    rethrow(failure);
                }
                throw e;
            }
            long now = System.nanoTime();
            if (t0 == 0 && now >= warm) {
                t0 = now;
                count = 0;
            } else if (t0 != 0 && now - t0 >= seconds * 1e9) {
                runner.requestStop();
                blockThread.join(5000);
                rethrow(failure);
                return new Result(count, (now - t0) / 1e9, Map.of());
            }
        }
    }

    private static void rethrow(List<Throwable> failure) throws Exception {
        if (!failure.isEmpty()) {
            Throwable e = failure.get(0);
            throw e instanceof Exception ex ? ex : new IllegalStateException(e);
        }
    }
}
