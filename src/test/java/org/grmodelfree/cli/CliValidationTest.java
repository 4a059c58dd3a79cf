package org.grmodelfree.cli;

import static org.grmodelfree.cli.CliTest.assertOneLineError;
import static org.grmodelfree.cli.CliTest.run;
import static org.grmodelfree.cli.CliTest.tiny;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 17, defects 4 and 8: an Error ends in one line; --resume refuses flags that would change
 * the resumed run; flags of another transport or mode are refused; a refused command makes no folder.
 */
class CliValidationTest {

    /** A command that throws what it is given, as a command deep in a run would. */
    @CommandLine.Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        final Throwable toThrow;

        Boom(Throwable toThrow) {
            this.toThrow = toThrow;
        }

        @Override
        public Integer call() throws Exception {
            if (toThrow instanceof Error e) {
                throw e;
            }
            throw (Exception) toThrow;
        }
    }

    private static CliTest.Run boom(Throwable t) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Main()).addSubcommand("boom", new Boom(t));
        int status = Main.run(cl, new String[] {"boom"}, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliTest.Run(status, out.toString(), err.toString());
    }

    @Test
    void an_out_of_memory_error_is_one_line_naming_the_heap_and_the_size_flags() {
        CliTest.Run r = boom(new OutOfMemoryError("Java heap space"));
        assertOneLineError(r, 1, "out of memory (Java heap space");
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("-Xmx") && r.err().contains("--batch-rx") && r.err().contains("--hidden"),
                r.err());
        // from a worker thread, wrapped
        CliTest.Run wrapped = boom(new ExecutionException(new OutOfMemoryError("Java heap space")));
        assertOneLineError(wrapped, 1, "out of memory (Java heap space");
    }

    @Test
    void a_stack_overflow_or_another_error_is_one_line() {
        CliTest.Run r = boom(new StackOverflowError());
        assertOneLineError(r, 1, "the call stack ran out (StackOverflowError)");
        assertTrue(r.err().contains("-Xss"), r.err());
        assertOneLineError(boom(new NoClassDefFoundError("org/example/Gone")), 1,
                "internal error NoClassDefFoundError: org/example/Gone");
    }

    @Test
    void a_channel_elsewhere_needs_both_ends_and_replaces_the_test_channel(@TempDir Path tmp) {
        Path out = tmp.resolve("run");
        assertOneLineError(run("train", "--transport", "zmq", "--to-channel", "tcp://127.0.0.1:5001", "--quiet",
                "--out", out.toString()), 2, "--to-channel and --from-channel go together");
        assertOneLineError(run("train", "--transport", "zmq", "--to-channel", "tcp://127.0.0.1:5001",
                "--from-channel", "tcp://127.0.0.1:0", "--quiet", "--out", out.toString()), 2, "--from-channel: ");
        assertOneLineError(run("train", "--transport", "zmq", "--to-channel", "tcp://127.0.0.1:5001",
                "--from-channel", "tcp://127.0.0.1:5003", "--channel-shift", "2", "--quiet", "--out",
                out.toString()), 2, "--channel-shift set the test channel process");
        assertOneLineError(run("train", "--to-channel", "tcp://127.0.0.1:5001", "--from-channel",
                "tcp://127.0.0.1:5003", "--quiet", "--out", out.toString()), 2, "only to --transport zmq");
        assertFalse(Files.exists(out), "a refused run made its folder");
    }

    @Test
    void sizes_that_cannot_be_built_name_the_flag_and_make_no_folder(@TempDir Path tmp) {
        Path out = tmp.resolve("x");
        assertOneLineError(run("train", "--symbols", "100000", "--quiet", "--out", out.toString()), 2, "--symbols");
        assertOneLineError(run("train", "--batch-rx", "100000000", "--quiet", "--out", out.toString()), 2,
                "--batch-rx");
        assertOneLineError(run("train", "--hidden", "200000", "--quiet", "--out", out.toString()), 2, "--hidden");
        assertOneLineError(run("train", "--messages", "65536", "--hidden", "65536", "--quiet", "--out",
                out.toString()), 2, "--messages, --hidden");
        assertOneLineError(run("train", "--batch-rx", "0", "--out", out.toString()), 2, "--batch-rx: batch sizes");
        assertFalse(Files.exists(out), "a refused run made its folder");
    }

    private static String[] resume(Path out, String... flags) {
        java.util.List<String> a = new java.util.ArrayList<>(java.util.List.of("train", "--resume", "--iterations", "40",
                "--quiet", "--out", out.toString()));
        a.addAll(java.util.List.of(flags));
        return a.toArray(String[]::new);
    }

    @Test
    void resume_refuses_flags_that_would_change_the_run(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        CliTest.Run first = run(tiny(out, 20));
        assertEquals(0, first.status(), first.err());
        byte[] model = Files.readAllBytes(out.resolve("model.msgpack"));

        assertOneLineError(run(resume(out, "--messages", "32")), 2,
                "--messages would change it (the file's messages 16)");
        assertOneLineError(run(resume(out, "--channel", "rbf")), 2, "the file's channel awgn");
        CliTest.Run both = run(resume(out, "--method", "supervised", "--symbols", "4"));
        assertOneLineError(both, 2, "--method, --symbols would change it");
        assertTrue(both.err().contains("method alternating") && both.err().contains("symbols 2"), both.err());
        assertOneLineError(run(resume(out, "--paper")), 2, "--paper would change it");
        // nothing was trained or written by the refused commands
        assertEquals(java.util.Arrays.toString(model), java.util.Arrays.toString(Files.readAllBytes(
                out.resolve("model.msgpack"))));

        Path none = dir.resolve("none");
        assertOneLineError(run(resume(none)), 2, "--resume: there is no");
        assertFalse(Files.exists(none));
    }

    @Test
    void zmq_only_flags_with_the_embedded_transport_are_refused(@TempDir Path tmp) {
        Path out = tmp.resolve("x");
        assertOneLineError(run("train", "--feedback-delay-ms", "10", "--out", out.toString()),
                2, "--feedback-delay-ms applies only to --transport zmq");
        assertOneLineError(run("train", "--channel-shift", "4", "--out", out.toString()), 2,
                "--channel-shift applies only to --transport zmq");
        assertOneLineError(run("train", "--transport", "zmq", "--feedback-bits", "99", "--out", out.toString()), 2,
                "--feedback-bits: loss feedback bits must lie in 0..24, got 99");
        assertOneLineError(run("train", "--feedback-drop", "1.5", "--out", out.toString()), 2,
                "--feedback-drop: loss feedback drop probability must lie in [0, 1], got 1.5");
        assertOneLineError(run("train", "--method", "supervised", "--feedback-bits", "2", "--out", out.toString()), 2,
                "apply to the alternating method");
        assertOneLineError(run("train", "--transport", "zmq", "--method", "supervised", "--out", out.toString()), 2,
                "--method supervised does not work with --transport zmq");
        assertOneLineError(run("train", "--transport", "zmq", "--mirrored", "--out", out.toString()), 2,
                "--mirrored does not work with --transport zmq");
        assertOneLineError(run("train", "--mirrored", "--batch-tx", "999", "--out", out.toString()), 2,
                "--mirrored: mirrored exploration needs the alternating method and an even transmitter batch");
        assertOneLineError(run("train", "--mirrored", "--method", "supervised", "--out", out.toString()), 2,
                "--mirrored: mirrored exploration needs the alternating method");
        assertOneLineError(run("train", "--transport", "zmq", "--learn-sigma2", "--out", out.toString()), 2,
                "--learn-sigma2 does not work with --transport zmq");
        assertOneLineError(run("train", "--learn-sigma2", "--method", "supervised", "--out", out.toString()), 2,
                "--learn-sigma2: a learned exploration variance needs the alternating method");
        assertOneLineError(run("train", "--learn-sigma2", "--sigma2-final", "0.01", "--out", out.toString()), 2,
                "a learned exploration variance starts from s^2 and is not annealed");
        assertFalse(Files.exists(out), "a refused run made its folder");
    }

    @Test
    void refused_commands_make_no_folder(@TempDir Path tmp) {
        Path out = tmp.resolve("a/b");
        assertOneLineError(run("evaluate", "--model", "m.msgpack", "--channel", "fiber", "--out", out.toString()), 2,
                "--channel: unknown channel 'fiber'");
        assertOneLineError(run("compare", "--channels", "awgn,fiber", "--out", out.toString()), 2,
                "--channels: unknown channel 'fiber'");
        assertOneLineError(run("compare", "--trials", "5", "--out", out.toString()), 2,
                "--trials applies only with --gradient");
        assertOneLineError(run("compare", "--gradient", "--baseline", "median", "--out", out.toString()), 2,
                "--baseline");
        assertOneLineError(run("semantic", "train", "--batch", "0", "--out", out.toString()), 2, "batch");
        assertOneLineError(run("semantic", "train", "--resume", "--out", out.toString()), 2,
                "--resume: there is no");
        assertOneLineError(run("flowgraph", "train_awgn", "--frames", "0", "--out", out.toString()), 2, "--frames");
        assertOneLineError(run("flowgraph", "train_awgn", "--max-messages", "0", "--out", out.toString()), 2,
                "--max-messages");
        assertFalse(Files.exists(tmp.resolve("a")), "a refused command made its folder");
    }
}
