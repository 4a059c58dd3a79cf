package org.grmodelfree.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Bad messages on a stream input are logged the way control ports log theirs: the first ten, then
 * once each time the count passes a power of two. 2048 messages of 3 bytes (no whole complex64
 * item) give 18 lines; they gave 2048 before.
 */
class RejectionLogTest {
    private static final int BAD = 2048;

    @Test
    void stream_input_rejections_are_logged_sparingly() throws Exception {
        try (ZContext context = new ZContext()) {
            ZMQ.Socket push = context.createSocket(SocketType.PUSH);
            push.bind("tcp://127.0.0.1:*");
            Params p = PolicySamplerBlock.SPEC.parse(List.of("--mode", "stream", "--peer_timeout", "60", "--in",
                    push.getLastEndpoint()));
            List<String> log = new CopyOnWriteArrayList<>();
            BlockRunner runner = new BlockRunner(new PolicySamplerBlock(p), p, log::add);
            Thread t = new Thread(runner::run, "sampler");
            t.start();
            for (int i = 0; i < BAD; i++) {
                push.send(new byte[3]);
            }
            // bounded in count: up to 600 looks, 50 ms apart
            for (int i = 0; i < 600 && log.stream().noneMatch(l -> l.contains("[" + BAD + " so far]")); i++) {
                Thread.sleep(50);
            }
            runner.requestStop();
            t.join(10_000);
            List<String> rejected = log.stream().filter(l -> l.startsWith("rejected on 'in'")).toList();
            assertTrue(rejected.get(rejected.size() - 1).contains("[" + BAD + " so far]"), rejected.toString());
            // 1..10, then 16, 32, 64, 128, 256, 512, 1024, 2048
            assertEquals(18, rejected.size(), rejected.toString());
        }
    }
}
