package org.grmodelfree.nn;

import java.util.List;

/** Something with trainable parameters. */
public interface Layer {
    /** The parameters, in a fixed order (the order they are saved and restored in). */
    List<Param> params();
}
