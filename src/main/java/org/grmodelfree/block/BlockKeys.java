package org.grmodelfree.block;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.grmodelfree.wire.CurveKeys;

/**
 * The key files a set of blocks needs for CurveZMQ on its message links ({@link BlockParams#CURVE_SECRET},
 * {@link BlockParams#CURVE_CLIENTS}, {@link BlockParams#CURVE_SERVERS}), laid out in one folder: a key
 * pair per block, and per block that binds a message output a folder of the public keys of the blocks
 * allowed to connect. For launchers that start a whole link (train --transport zmq, tests across
 * hosts); by hand, ./modelfree keys makes the pairs (docs/security.md).
 */
public final class BlockKeys {
    private final Path dir;

    private BlockKeys(Path dir) {
        this.dir = dir;
    }

    /** Makes a key pair per block name in dir (secrets mode 0600, dir 0700), replacing any there. */
    public static BlockKeys generate(Path dir, List<String> blocks) throws IOException {
        CurveKeys.generate(dir, blocks, true);
        return new BlockKeys(dir);
    }

    /** The block's key pair file, for its curve_secret. */
    public Path secret(String block) {
        return CurveKeys.secretFile(dir, block);
    }

    /** The block's public key file, for a peer's curve_servers. */
    public Path publicKey(String block) {
        return CurveKeys.publicFile(dir, block);
    }

    /** The folder of the clients' public keys that server admits (made now), for its curve_clients. */
    public Path clients(String server, List<String> clients) throws IOException {
        Path d = Files.createDirectories(dir.resolve("clients-" + server));
        for (String c : clients) {
            Files.copy(publicKey(c), d.resolve(c + CurveKeys.PUBLIC_SUFFIX), StandardCopyOption.REPLACE_EXISTING);
        }
        return d;
    }
}
