package org.grmodelfree.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZCert;

/** Key files: the czmq certificate format, owner-only secrets, no silent overwrite, clear errors. */
class CurveKeysTest {

    @TempDir
    Path dir;

    @Test
    void generatesAPublicFileAndAnOwnerOnlySecretFilePerName() throws IOException {
        List<Path> files = CurveKeys.generate(dir.resolve("keys"), List.of("transmitter", "loss-feedback"), false);
        assertEquals(List.of("transmitter.key", "transmitter.key_secret", "loss-feedback.key",
                "loss-feedback.key_secret"), files.stream().map(f -> f.getFileName().toString()).toList());
        for (Path f : files) {
            boolean secret = f.getFileName().toString().endsWith(CurveKeys.SECRET_SUFFIX);
            assertEquals(secret, f.getFileName().toString().contains("secret"), f.toString());
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
            assertEquals(secret ? "rw-------" : "rw-r--r--", mode, f.toString());
            String text = Files.readString(f);
            assertTrue(text.contains("public-key = \""), text);
            assertEquals(secret, text.contains("secret-key = \""), text);
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("keys"))));
        assertEquals(List.of(), Files.list(dir.resolve("keys")).filter(f -> f.getFileName().toString()
                .startsWith(".tmp")).toList(), "no temporary files left");
    }

    @Test
    void thePublicKeyReadBackIsTheOneInTheSecretFileAndKeysDiffer() throws IOException {
        CurveKeys.generate(dir, List.of("a", "b"), false);
        CurveKeys.Pair a = CurveKeys.readSecret(CurveKeys.secretFile(dir, "a"));
        CurveKeys.Pair b = CurveKeys.readSecret(CurveKeys.secretFile(dir, "b"));
        assertArrayEquals(a.publicKey(), CurveKeys.readPublic(CurveKeys.publicFile(dir, "a")));
        assertEquals(32, a.publicKey().length);
        assertEquals(32, a.secretKey().length);
        assertFalse(Arrays.equals(a.publicKey(), b.publicKey()));
        assertFalse(Arrays.equals(a.secretKey(), b.secretKey()));
        // the secret matches the public key: a ZCert built from both has the same public key
        assertEquals(CurveKeys.z85(a.publicKey()), new ZCert(a.publicKey(), a.secretKey()).getPublicKeyAsZ85());
    }

    @Test
    void readsAKeyWrittenByJeromqsOwnZcert() throws IOException {
        ZCert cert = new ZCert();
        Path pub = cert.savePublic(dir.resolve("peer.key").toString()).toPath();
        assertArrayEquals(cert.getPublicKey(), CurveKeys.readPublic(pub));
    }

    @Test
    void refusesToOverwriteExistingKeysWithoutForce() throws IOException {
        CurveKeys.generate(dir, List.of("a"), false);
        String before = Files.readString(CurveKeys.secretFile(dir, "a"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CurveKeys.generate(dir, List.of("b", "a"), false));
        assertTrue(e.getMessage().contains("a.key") && e.getMessage().contains("--force"), e.getMessage());
        assertEquals(before, Files.readString(CurveKeys.secretFile(dir, "a")));
        assertFalse(Files.exists(CurveKeys.publicFile(dir, "b")), "nothing is written when one file exists");

        CurveKeys.generate(dir, List.of("a"), true);
        assertFalse(before.equals(Files.readString(CurveKeys.secretFile(dir, "a"))), "--force writes a new key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                CurveKeys.secretFile(dir, "a"))));
    }

    @Test
    void aSecretReadableByOthersIsRefusedNamingTheChmodThatFixesIt() throws IOException {
        CurveKeys.generate(dir, List.of("a"), false);
        Path secret = CurveKeys.secretFile(dir, "a");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r-----"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CurveKeys.readSecret(secret));
        assertTrue(e.getMessage().contains("chmod 600 " + secret), e.getMessage());
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("r--------"));
        assertEquals(32, CurveKeys.readSecret(secret).secretKey().length);
    }

    @Test
    void missingUnreadableAndMalformedFilesAreNamed() throws IOException {
        Path missing = dir.resolve("nobody.key");
        assertMessage(missing + " does not exist", () -> CurveKeys.readPublic(missing));
        assertMessage(dir + " is not a regular file", () -> CurveKeys.readPublic(dir));
        Path garbage = Files.writeString(dir.resolve("garbage.key"), "curve\n    public-key = \"short\"\n");
        assertMessage(garbage.toString(), () -> CurveKeys.readPublic(garbage));
        Path binary = Files.write(dir.resolve("binary.key"), new byte[] {0, 1, 2, (byte) 0xff, '\n', '=', '"'});
        assertMessage(binary.toString(), () -> CurveKeys.readPublic(binary));
        CurveKeys.generate(dir, List.of("a"), false);
        Path pub = CurveKeys.publicFile(dir, "a");
        Files.setPosixFilePermissions(pub, PosixFilePermissions.fromString("---------"));
        if (!Files.isReadable(pub)) { // root reads everything
            assertMessage(pub + " is not readable", () -> CurveKeys.readPublic(pub));
        }
        // a public file is no secret file
        Files.setPosixFilePermissions(pub, PosixFilePermissions.fromString("rw-------"));
        assertMessage("secret-key", () -> CurveKeys.readSecret(pub));
    }

    @Test
    void badNamesAreRefused() {
        assertMessage("key name '../x'", () -> CurveKeys.generate(dir, List.of("../x"), false));
        assertMessage("repeat", () -> CurveKeys.generate(dir, List.of("a", "a"), false));
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), "expected '" + part + "' in: " + e.getMessage());
    }
}
