package org.grmodelfree.block;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The Python bridge starts the receiver's JVM as the Java side assumes (ReceiverBlock.PROCESS_SPINS). */
class BridgeJvmOptionsTest {

    @Test
    void theBridgeStartsTheReceiverWithItsSpinSetting() throws Exception {
        String bridge = Files.readString(Path.of("python", "gnuradio", "modelfree", "_jvm.py"));
        String expected = "\"receiver\": \"-Dmodelfree.spins=" + ReceiverBlock.PROCESS_SPINS + "\"";
        assertTrue(bridge.contains(expected), "python/gnuradio/modelfree/_jvm.py does not start the receiver with " + expected);
    }
}
