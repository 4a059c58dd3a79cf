package org.grmodelfree.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.grmodelfree.wire.CurveKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keys}: key pairs for the named blocks, secrets owner-only, never overwritten without --force. */
class KeysCommandTest {

    @TempDir
    Path dir;

    @Test
    void writesAPairPerNameWithOwnerOnlySecrets() throws Exception {
        Path out = dir.resolve("keys");
        CliTest.Run r = CliTest.run("keys", "--out", out.toString(), "--names", "transmitter,loss-feedback");
        assertEquals(0, r.status(), r.err());
        for (String name : List.of("transmitter", "loss-feedback")) {
            Path pub = out.resolve(name + ".key");
            Path secret = out.resolve(name + ".key_secret");
            assertTrue(r.out().contains("wrote " + pub) && r.out().contains("wrote " + secret), r.out());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
            assertArrayEquals(CurveKeys.readPublic(pub), CurveKeys.readSecret(secret).publicKey());
        }
        try (var files = Files.list(out)) {
            assertEquals(4, files.count());
        }
    }

    @Test
    void theDefaultNamesAreTheLinksBlocksWithMessagePorts() throws Exception {
        CliTest.Run r = CliTest.run("keys", "--out", dir.toString());
        assertEquals(0, r.status(), r.err());
        for (String name : List.of("transmitter", "policy-sampler", "receiver", "loss-feedback")) {
            assertTrue(Files.isRegularFile(dir.resolve(name + ".key_secret")), name);
        }
    }

    @Test
    void existingKeysAreKeptUnlessForced() throws Exception {
        assertEquals(0, CliTest.run("keys", "--out", dir.toString(), "--names", "receiver").status());
        String before = Files.readString(dir.resolve("receiver.key_secret"));
        CliTest.assertOneLineError(CliTest.run("keys", "--out", dir.toString(), "--names", "receiver"), 2,
                dir.resolve("receiver.key") + " exists; keys are never overwritten without --force");
        assertEquals(before, Files.readString(dir.resolve("receiver.key_secret")));
        CliTest.Run forced = CliTest.run("keys", "--out", dir.toString(), "--names", "receiver", "--force");
        assertEquals(0, forced.status(), forced.err());
        assertTrue(!before.equals(Files.readString(dir.resolve("receiver.key_secret"))), "--force writes new keys");
    }

    @Test
    void outIsRequiredAndNamesAreChecked() {
        CliTest.assertOneLineError(CliTest.run("keys"), 2, "--out");
        CliTest.assertOneLineError(CliTest.run("keys", "--out", dir.toString(), "--names", "a/b"), 2,
                "key name 'a/b'");
    }
}
