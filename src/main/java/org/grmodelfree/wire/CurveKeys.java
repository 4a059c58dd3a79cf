package org.grmodelfree.wire;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.zeromq.ZCert;
import org.zeromq.ZConfig;
import org.zeromq.ZMQ;

/**
 * CURVE key pairs in files, in the certificate format of czmq and JeroMQ ({@link ZCert}), so
 * czmq's tools read them too: {@code NAME.key} holds the public key, {@code NAME.key_secret}
 * the public and the secret key. A secret file is created with mode 0600 (owner read and write
 * only) before its key is written, and one that group or others can read is refused when
 * loaded, as ssh refuses such a private key. Errors name the file and what is wrong with it.
 */
public final class CurveKeys {

    /** Suffix of a public key file, as czmq's {@code zcert_save}. */
    public static final String PUBLIC_SUFFIX = ".key";
    /** Suffix of a secret key file, as czmq's {@code zcert_save}. */
    public static final String SECRET_SUFFIX = ".key_secret";
    /** Key files are a few hundred bytes; anything much larger is not one. */
    private static final long MAX_FILE_BYTES = 1 << 16;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> NOT_OWNER = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    /**
     * A block's own key pair, read from its secret file.
     *
     * @param publicKey 32 bytes
     * @param secretKey 32 bytes
     * @param file where it was read, for messages
     */
    public record Pair(byte[] publicKey, byte[] secretKey, Path file) {
        public Pair {
            publicKey = publicKey.clone();
            secretKey = secretKey.clone();
        }

        @Override
        public byte[] publicKey() {
            return publicKey.clone();
        }

        @Override
        public byte[] secretKey() {
            return secretKey.clone();
        }

        @Override
        public String toString() {
            return "CURVE key pair " + ZMQ.Curve.z85Encode(publicKey) + " from " + file;
        }
    }

    private CurveKeys() {}

    /** The secret file of key pair {@code name} in {@code dir}. */
    public static Path secretFile(Path dir, String name) {
        return dir.resolve(checkName(name) + SECRET_SUFFIX);
    }

    /** The public file of key pair {@code name} in {@code dir}. */
    public static Path publicFile(Path dir, String name) {
        return dir.resolve(checkName(name) + PUBLIC_SUFFIX);
    }

    /**
     * Generates one key pair per name into {@code dir} (created if missing, mode 0700 when
     * new): {@code NAME.key} and {@code NAME.key_secret}, the latter with mode 0600. Nothing is
     * written if any of the files exists and {@code force} is false.
     *
     * @param names letters, digits, '.', '_' and '-'; at least one, no repeats
     * @return the files written, public then secret for each name
     * @throws IllegalArgumentException for a bad or repeated name, or a file that exists
     *     without {@code force}, naming it
     * @throws IOException if a file cannot be written
     */
    public static List<Path> generate(Path dir, List<String> names, boolean force) throws IOException {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("no key names given");
        }
        if (names.stream().distinct().count() != names.size()) {
            throw new IllegalArgumentException("key names repeat: " + names);
        }
        List<Path> files = new ArrayList<>();
        for (String name : names) {
            files.add(publicFile(dir, name));
            files.add(secretFile(dir, name));
        }
        if (!force) {
            for (Path f : files) {
                if (Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IllegalArgumentException(f + " exists; keys are never overwritten without --force"
                            + " (blocks using the old key would be refused)");
                }
            }
        }
        if (!Files.isDirectory(dir)) {
            if (posix(dir.toAbsolutePath().getParent())) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dir);
            }
        }
        for (String name : names) {
            ZCert cert = new ZCert();
            StringWriter pub = new StringWriter();
            cert.savePublic(pub);
            StringWriter secret = new StringWriter();
            cert.saveSecret(secret);
            write(publicFile(dir, name), pub.toString(), false);
            write(secretFile(dir, name), secret.toString(), true);
        }
        return files;
    }

    /**
     * Writes text to a temporary file in the same directory (mode 0600 from creation if
     * ownerOnly), then moves it over {@code file}, so no reader sees half a key and a secret is
     * never readable by others, not even for a moment.
     */
    private static void write(Path file, String text, boolean ownerOnly) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = ownerOnly && posix(dir)
                ? Files.createTempFile(dir, ".tmp-", ".key", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                : Files.createTempFile(dir, ".tmp-", ".key");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            if (!ownerOnly && posix(dir)) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads a block's own key pair from a secret file written by {@link #generate} (or czmq).
     *
     * @throws IllegalArgumentException naming the file when it is missing, not a regular file,
     *     unreadable, readable or writable by group or others (saying which chmod fixes it), or
     *     malformed
     */
    public static Pair readSecret(Path file) {
        ZConfig config = load(file, "secret key file");
        Set<PosixFilePermission> perms = permissions(file);
        if (perms != null && perms.stream().anyMatch(NOT_OWNER::contains)) {
            throw new IllegalArgumentException("secret key file " + file + " is accessible to others (mode "
                    + PosixFilePermissions.toString(perms) + "); it must be readable by its owner only: chmod 600 "
                    + file);
        }
        byte[] pub = key(config, "curve/public-key", file);
        byte[] secret = key(config, "curve/secret-key", file);
        return new Pair(pub, secret, file);
    }

    /**
     * Reads a public key from a file written by {@link #generate} (a {@code .key} file; a
     * {@code .key_secret} file has the public key too).
     *
     * @return 32 bytes
     * @throws IllegalArgumentException naming the file when it is missing, not a regular file,
     *     unreadable or malformed
     */
    public static byte[] readPublic(Path file) {
        return key(load(file, "public key file"), "curve/public-key", file);
    }

    /** The Z85 text of a 32-byte key, as in the key files and czmq's messages. */
    public static String z85(byte[] key) {
        return ZMQ.Curve.z85Encode(key);
    }

    private static ZConfig load(Path file, String what) {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(what + " " + file + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(what + " " + file + " is not a regular file");
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(what + " " + file + " is not readable by this user");
        }
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new IllegalArgumentException(what + " " + file + " is larger than " + MAX_FILE_BYTES
                        + " bytes; not a key file");
            }
            return ZConfig.load(file.toString());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(what + " " + file + " does not exist", e);
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException(what + " " + file + " is not readable by this user", e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage().startsWith(what)) {
                throw iae;
            }
            throw new IllegalArgumentException(what + " " + file + " is not a CURVE certificate: " + e, e);
        }
    }

    private static byte[] key(ZConfig config, String path, Path file) {
        String z85 = config.getValue(path);
        if (z85 == null || z85.length() != ZMQ.Curve.KEY_SIZE_Z85) {
            throw new IllegalArgumentException(file + " is not a CURVE certificate: no " + ZMQ.Curve.KEY_SIZE_Z85
                    + "-character " + path.substring(path.indexOf('/') + 1) + " (write key files with ./modelfree keys)");
        }
        byte[] key;
        try {
            key = ZMQ.Curve.z85Decode(z85);
        } catch (RuntimeException e) {
            key = null;
        }
        if (key == null || key.length != ZMQ.Curve.KEY_SIZE) {
            throw new IllegalArgumentException(file + ": " + path.substring(path.indexOf('/') + 1)
                    + " is not a valid Z85 key");
        }
        return key;
    }

    /** The file's POSIX permissions, or null on a file system without them. */
    private static Set<PosixFilePermission> permissions(Path file) {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return null;
        }
        try {
            return view.readAttributes().permissions();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the permissions of " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean posix(Path dir) {
        Path d = dir;
        while (d != null && !Files.exists(d)) {
            d = d.getParent();
        }
        return d != null && Files.getFileAttributeView(d, PosixFileAttributeView.class) != null;
    }

    private static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("key name '" + name
                    + "' must be letters, digits, '.', '_' and '-', starting with a letter or digit");
        }
        return name;
    }
}
