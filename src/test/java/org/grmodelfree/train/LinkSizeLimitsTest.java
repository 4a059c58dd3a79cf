package org.grmodelfree.train;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.grmodelfree.comm.ChannelKind;
import org.junit.jupiter.api.Test;

/**
 * Sizes that cannot be built are refused with a message naming them, before anything is allocated:
 * a matrix beyond a Java array (M = 65536 with hidden 65536 failed deep inside EJML with "Matrix size
 * exceeds the size of an integer"), and a link that needs more memory than the JVM may use (it ran
 * into an OutOfMemoryError after up to 30 s).
 */
class LinkSizeLimitsTest {
    private static TrainConfig.Builder base() {
        return TrainConfig.defaults(ChannelKind.AWGN).toBuilder();
    }

    @Test
    void a_matrix_beyond_a_java_array_is_refused_naming_its_sizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> base().messages(65536).rxHidden(65536).build());
        assertTrue(e.getMessage().contains("65536 x 65536") && e.getMessage().contains("M = 65536"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> base().batch(100_000_000).build());
        assertTrue(e.getMessage().contains("batch 100000000"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> base().rxHidden(200_000).build());
        assertTrue(e.getMessage().contains("receiver hidden width 200000"), e.getMessage());
    }

    @Test
    void a_link_beyond_the_memory_is_refused_before_it_is_built() {
        TrainConfig big = base().symbols(100_000).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> big.requireFits(1L << 30));
        assertTrue(e.getMessage().contains("N = 100000") && e.getMessage().contains("GB"), e.getMessage());
        // the defaults need a few tens of megabytes
        TrainConfig d = base().build();
        assertTrue(d.memoryEstimate() < 100_000_000L, d.memoryEstimate() + " bytes");
        d.requireFits(1L << 30);
    }
}
